"""Drives `cardlint proxy` (in front of `cardlint serve`) with wechatpy, unchanged but for its
base URLs.

Usage: python proxy_flow.py PROXY_URL FIXTURE_JSON
Prints one line per step; exits non-zero at the first step that does not behave as expected.
"""
import copy
import json
import sys

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


# (wechatpy fetches tokens from its own fixed URL, so the token is given, as in wechatpy_flow.py)
broken = copy.deepcopy(groupon)
broken["card"]["groupon"]["base_info"]["sku"]["quantity"] = "100"
e = refused(lambda: client.card.create(broken))
step("broken card/create raises 40053", e is not None and e.errcode == 40053, repr(e))
step("the proxy answered it (not the upstream)", "cardlint-proxy" in e.errmsg and "TYPE001" in e.errmsg, e.errmsg)

card_id = client.card.create(groupon)
step("valid card/create returns the upstream's card_id", isinstance(card_id, str) and len(card_id) == 28, card_id)

e = refused(lambda: client.card.get_code("D2Vcja0000ab21", card_id))
step("an unknown code raises the upstream's 40056", e is not None and e.errcode == 40056, repr(e))
answer = e.response.json()
causes = answer.get("cardlint", {}).get("explain", {}).get("causes", [])
step("the answer carries cardlint.explain.causes", len(causes) > 0, json.dumps(answer, ensure_ascii=False)[:200])
