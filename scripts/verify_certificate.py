#!/usr/bin/env python3
"""Checks a KI-Seepferdchen certificate offline-capable, independent of the platform's code.

    python3 scripts/verify_certificate.py https://lernen.example.de/verify/ABCD-EFGH-...
    python3 scripts/verify_certificate.py zertifikat.json schluessel.json

With a URL it fetches `<url>.json` and the installation's public keys; with two files it reads
both as saved from `/verify/<code>.json` and `/zertifikate/schluessel.json`. It verifies the
Ed25519 signature over the exact signed bytes (`payload_base64`), and that the readable
`payload` says the same. Needs the `cryptography` package (pip install cryptography).
Exit code 0: signature valid; 1: invalid; 2: usage or input error.
"""
import base64
import json
import sys
import urllib.parse
import urllib.request

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def load(source):
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=10) as response:
            return json.load(response)
    with open(source, encoding="utf-8") as f:
        return json.load(f)


def main(args):
    if len(args) == 1 and args[0].startswith(("http://", "https://")):
        url = args[0].rstrip("/")
        certificate = load(url if url.endswith(".json") else url + ".json")
        parts = urllib.parse.urlsplit(url)
        keys = load(f"{parts.scheme}://{parts.netloc}{certificate['public_keys']}")
    elif len(args) == 2:
        certificate, keys = load(args[0]), load(args[1])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    signed = base64.b64decode(certificate["payload_base64"], validate=True)
    if json.loads(signed) != certificate["payload"]:
        print("Die lesbaren Angaben weichen von den signierten ab.")
        return 1
    key = next((k for k in keys["keys"] if k["key_id"] == certificate["key_id"]), None)
    if key is None:
        print(f"Schlüssel {certificate['key_id']} ist nicht veröffentlicht.")
        return 1
    public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(key["public_key_hex"]))
    try:
        public.verify(bytes.fromhex(certificate["signature"]), signed)
    except InvalidSignature:
        print("Signatur UNGÜLTIG.")
        return 1
    p = certificate["payload"]
    print(f"Signatur gültig: {p['holder']}, {p['course_title']}, "
          f"abgeschlossen {p['completed_on']}, gültig bis {p['valid_until']} "
          f"(Status laut Server: {certificate.get('status')}).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
