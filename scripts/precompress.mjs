// Writes .br and .gz next to every .js, .css and .wasm file in a folder, so the server can send
// them precompressed instead of compressing on every request.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const dir = process.argv[2];
for (const name of readdirSync(dir)) {
  if (!/\.(js|css|wasm)$/.test(name)) continue;
  const data = readFileSync(join(dir, name));
  writeFileSync(join(dir, name + ".gz"), gzipSync(data, { level: 9 }));
  writeFileSync(
    join(dir, name + ".br"),
    brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
  );
}
