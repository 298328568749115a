"""Drives `cardlint serve` with wechatpy, unchanged but for its base URLs.

Usage: python wechatpy_flow.py BASE_URL FIXTURE_JSON
Prints one line per step; exits non-zero at the first step that does not behave as expected.
"""
import copy
import json
import sys
import urllib.request

from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

base, fixture = sys.argv[1].rstrip("/") + "/", sys.argv[2]
with open(fixture, encoding="utf-8") as f:
    groupon = json.load(f)

client = WeChatClient("wxsandbox", "sandbox-secret", access_token="sandbox-token")
client.API_BASE_URL = base + "cgi-bin/"
client.card.API_BASE_URL = base


def step(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + (": " + detail if detail else ""), flush=True)
    if not ok:
        sys.exit(1)


def refused(call):
    try:
        call()
    except WeChatClientException as e:
        return e
    return None


# a broken card/create: the SDK raises with the errcode WeChat gives and the rule in errmsg
broken = copy.deepcopy(groupon)
broken["card"]["groupon"]["base_info"]["sku"]["quantity"] = "100"
e = refused(lambda: client.card.create(broken))
step("broken card/create raises 40053", e is not None and e.errcode == 40053, repr(e))
step("errmsg names the rule", "TYPE001" in e.errmsg, e.errmsg)

# a valid one returns a card_id
card_id = client.card.create(groupon)
step("valid card/create returns a card_id", isinstance(card_id, str) and len(card_id) == 28, card_id)

# a deposit-mode card: create, QR code, deposit codes, raise stock, a user scans, consume twice
deposit = copy.deepcopy(groupon)
base_info = deposit["card"]["groupon"]["base_info"]
base_info["use_custom_code"] = True
base_info["get_custom_code_mode"] = "GET_CUSTOM_CODE_MODE_DEPOSIT"
base_info["sku"]["quantity"] = 0
dep_id = client.card.create(deposit)
ticket = client.card.create_qrcode({"action_name": "QR_CARD", "action_info": {"card": {"card_id": dep_id}}})
step("card/qrcode/create returns a ticket", bool(ticket), ticket[:6] + "...")
r = client.card.deposit_code(dep_id, ["WX0001", "WX0002", "WX0003"])
step("card/code/deposit", r.get("succ_code") == ["WX0001", "WX0002", "WX0003"], json.dumps(r))
step("card/code/getdepositcount", client.card.get_deposit_count(dep_id)["count"] == 3)
client.card.modify_stock(dep_id, 3)
e = refused(lambda: client.card.deposit_code(dep_id, ["C%04d" % i for i in range(101)]))
step("101 codes in one deposit raise 40109", e is not None and e.errcode == 40109, repr(e))

req = urllib.request.Request(
    base + "cardlint/scan",
    data=json.dumps({"ticket": ticket, "openid": "o_sdk_user"}).encode(),
    headers={"Content-Type": "application/json"},
)
scanned = json.load(urllib.request.urlopen(req))
code = scanned["code"]
step("a user receives a deposited code", code == "WX0001", json.dumps(scanned))

r = client.card.consume_code(code, dep_id)
step("card/code/consume", r.get("errcode") == 0 and r["card"]["card_id"] == dep_id, json.dumps(r))
e = refused(lambda: client.card.consume_code(code, dep_id))
step("a second consume raises 40099", e is not None and e.errcode == 40099, repr(e))
e = refused(lambda: client.card.get_code("NO-SUCH-CODE", dep_id))
step("card/code/get on an unknown code raises 40056", e is not None and e.errcode == 40056, repr(e))
step("card/get returns the created card", client.card.get(card_id)["card_type"] == "GROUPON")
print("wechatpy: all steps passed")
