"""Prints the mails of a Maildir (written by aiosmtpd's Mailbox handler) as JSON: Message-ID,
recipient, subject and the decoded text part, so the Rust tests read what a mail client shows."""
import email
import email.policy
import json
import mailbox
import sys

out = []
for msg in mailbox.Maildir(sys.argv[1], factory=None):
    parsed = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    text = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    out.append({
        "message_id": str(parsed["Message-ID"]),
        "to": str(parsed["To"]),
        "subject": str(parsed["Subject"]),
        "text": text.get_content() if text else "",
        "html": html.get_content() if html else "",
    })
print(json.dumps(out))
