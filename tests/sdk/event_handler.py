"""A developer's card-event handler written with wechatpy, unchanged: it checks each push's
signature, decrypts it in safe mode with WeChatCrypto, parses it with parse_message and
answers "success", as the wechatpy documentation shows.

Usage: python event_handler.py TOKEN [ENCODING_AES_KEY APPID]
Prints "listening PORT", then one JSON line per event: its type, the wechatpy class that
parsed it and the fields wechatpy read. A push that does not verify or parse is answered
HTTP 400 and printed with "error".
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import check_signature

token = sys.argv[1]
crypto = WeChatCrypto(token, sys.argv[2], sys.argv[3]) if len(sys.argv) > 3 else None

# the fields each wechatpy event class declares, read back from the parsed object
FIELDS = [
    "card_id", "refuse_reason", "is_given_by_friend", "friend", "code", "old_code", "outer_id",
    "outer_str", "is_restore_member_card", "union_id", "is_return_back", "is_chat_room",
    "consume_source", "location_name", "staff", "verify_code", "remark_amount", "trans_id",
    "location_id", "fee", "original_fee", "modify_bonus", "modify_balance", "detail",
    "card_code",
]


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        q = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            check_signature(token, q["signature"], q["timestamp"], q["nonce"])
            if crypto is not None:
                if q.get("encrypt_type") != "aes":
                    raise ValueError("safe mode without encrypt_type=aes")
                body = crypto.decrypt_message(body, q["msg_signature"], q["timestamp"], q["nonce"])
            msg = parse_message(body)
            fields = {f: getattr(msg, f) for f in FIELDS if hasattr(msg, f)}
            line = {"event": msg.event, "class": type(msg).__name__, "source": msg.source,
                    "target": msg.target, "openid": q.get("openid"), "fields": fields}
            print(json.dumps(line, ensure_ascii=False, default=str), flush=True)
            answer, status = b"success", 200
        except Exception as e:  # a push that does not verify or parse, whatever the reason
            print(json.dumps({"error": repr(e), "query": q}), flush=True)
            answer, status = b"bad push", 400
        self.send_response(status)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print("listening", server.server_address[1], flush=True)
server.serve_forever()
