"""A picky SMTP server for the mail tests: aiosmtpd that waits DELAY seconds before accepting each
recipient, refuses recipients whose address starts with "abgelehnt" (550) and messages larger
than 20 kB (552), and stores every accepted mail in a Maildir (like aiosmtpd's Mailbox handler).
Usage: slow_smtp.py PORT MAILDIR DELAY"""
import asyncio
import mailbox
import sys

from aiosmtpd.controller import Controller


class Slow:
    def __init__(self, maildir, delay):
        self.box = mailbox.Maildir(maildir, create=True)
        self.delay = delay

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await asyncio.sleep(self.delay)
        if address.startswith("abgelehnt"):
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if len(envelope.original_content) > 20_000:
            return "552 5.3.4 Message too big for system"
        self.box.add(envelope.original_content)
        return "250 Message accepted for delivery"


async def main():
    port, maildir, delay = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    controller = Controller(Slow(maildir, delay), hostname="127.0.0.1", port=port)
    controller.start()
    await asyncio.Event().wait()


asyncio.run(main())
