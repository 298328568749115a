#!/usr/bin/env python3
"""Generate the reproducible card/create payload sets used by bench/compare.sh.

    python3 bench/gen_payloads.py OUT_DIR [--seed N]

writes OUT_DIR/1/, OUT_DIR/500/ and OUT_DIR/10000/ with that many card/create request
bodies of about 3 KB each, built from fixtures/endpoints/card.create/valid-*.json (all ten
card types).  About two files in three stay valid; the others get one to three value-level
defects of the kinds cardlint exists for:

  * quoted integers            "quantity": "100", "get_limit": "2"
  * hex colors                 "color": "#63b359"
  * unknown / misspelt keys    "can_shared": true, "servcie_phone": "..."
  * overlong titles            "title": twenty CJK characters (60 bytes > 27)

Every file stays syntactically valid JSON (ajv-cli and check-jsonschema stop at a syntax
error), UTF-8 with CJK text throughout, pretty-printed with two-space indent.  The single-file
set is one GROUPON payload carrying all four defects.  The same seed always gives the same
bytes (Python's random.Random with a fixed seed; no hash-order dependence).  A SHA-256 over
all files is printed so runs can be compared.
"""

import argparse
import copy
import glob
import hashlib
import json
import os
import random
import sys

TARGET_BYTES = 3000  # "about 3 KB"
SETS = (1, 500, 10000)

BRANDS = ["蜀香源火锅", "麦香坊烘焙", "云栖茶舍", "江南小馆", "川味人家", "海底捞月", "北国饺子馆",
          "星河影城", "东方航空", "西湖景区", "鲜果时光", "悦读书店", "禾风咖啡", "岭南点心"]
TITLES = ["双人火锅套餐", "二十元代金券", "全场八折券", "免费甜品一份", "会员专享卡", "观影优惠券",
          "景区门票", "下午茶套餐", "满百减二十", "早餐兑换券", "周末特惠券", "新人礼包"]
SENTENCES = [
    "不可与其他优惠同享", "如需发票，请在消费时向商户提出", "仅限堂食，不可外带",
    "每桌限用一张，节假日通用", "请提前一天电话预约", "本券不找零，不兑换现金",
    "使用前请向服务员出示本券", "过期作废，请在有效期内使用", "团购用户不可同时享受店内其他优惠",
    "部分特价商品不参与本活动", "最终解释权归商户所有", "支持微信支付与会员卡余额支付",
    "停车场免费停车两小时", "包间需另收服务费", "儿童身高一米二以下免票",
    "凭本券可兑换招牌奶茶一杯", "如遇问题请拨打客服电话咨询", "门店营业时间为上午十点至晚上十点",
]
LONG_TITLES = ["超值豪华双人海鲜火锅套餐限时抢购特惠专享", "周末全天候通用不限品类满减代金券大礼包",
               "新店开业全场饮品买一送一限量优惠活动券"]
HEX_COLORS = ["#63b359", "#2c9f67", "#509fc9", "#5885cf", "#9062c0", "#d09a45", "#e4b138", "#ee903c"]
UNKNOWN_KEYS = [("can_shared", True), ("servcie_phone", "400-820-8820"), ("newcode", "12345678"),
                ("brand_logo", "http://mmbiz.qpic.cn/mmbiz_jpg/x/0"), ("活动说明", "限时活动")]


def card_body(payload):
    card = payload["card"]
    return card[card["card_type"].lower()]


def dump(payload):
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def pad(payload, rng):
    """Vary the CJK text and grow the description until the file is about TARGET_BYTES."""
    base = card_body(payload)["base_info"]
    base["brand_name"] = rng.choice(BRANDS)
    base["title"] = rng.choice(TITLES)
    lines = [rng.choice(SENTENCES) for _ in range(2)]
    base["description"] = "\n".join(lines)
    size = len(dump(payload).encode())
    while size < TARGET_BYTES - 40:
        sentence = rng.choice(SENTENCES)
        lines.append(sentence)
        size += len(sentence.encode()) + 2  # the sentence and its escaped "\n"
    base["description"] = "\n".join(lines)
    return payload


def break_quoted_int(payload, rng):
    base = card_body(payload)["base_info"]
    if rng.random() < 0.7:
        base["sku"]["quantity"] = str(base["sku"]["quantity"])
    else:
        base["get_limit"] = str(base.get("get_limit", 1))


def break_hex_color(payload, rng):
    card_body(payload)["base_info"]["color"] = rng.choice(HEX_COLORS)


def break_unknown_key(payload, rng):
    key, value = rng.choice(UNKNOWN_KEYS)
    card_body(payload)["base_info"][key] = value


def break_long_title(payload, rng):
    card_body(payload)["base_info"]["title"] = rng.choice(LONG_TITLES)


DEFECTS = [break_quoted_int, break_hex_color, break_unknown_key, break_long_title]


def make_one(templates, rng, broken):
    name, template = rng.choice(templates)
    payload = pad(copy.deepcopy(template), rng)
    if broken:
        for defect in rng.sample(DEFECTS, rng.randint(1, 3)):
            defect(payload, rng)
    return name, payload


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=20261127)
    ap.add_argument("--templates", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "endpoints", "card.create"))
    args = ap.parse_args()

    paths = sorted(glob.glob(os.path.join(args.templates, "valid-*.json")))
    if not paths:
        sys.exit(f"no templates in {args.templates}")
    templates = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            templates.append((os.path.basename(p), json.load(f)))

    digest = hashlib.sha256()
    for n in SETS:
        rng = random.Random(f"{args.seed}/{n}")
        d = os.path.join(args.out, str(n))
        os.makedirs(d, exist_ok=True)
        for old in glob.glob(os.path.join(d, "*.json")):
            os.remove(old)
        total = broken_count = 0
        for i in range(n):
            if n == 1:
                groupon = dict(templates)["valid-groupon.json"]
                payload = pad(copy.deepcopy(groupon), rng)
                for defect in DEFECTS:
                    defect(payload, rng)
                broken = True
            else:
                broken = rng.random() < 1 / 3
                _, payload = make_one(templates, rng, broken)
            text = dump(payload)
            json.loads(text)  # stays parseable
            data = text.encode("utf-8")
            with open(os.path.join(d, f"card-{i:05d}.json"), "wb") as f:
                f.write(data)
            digest.update(data)
            total += len(data)
            broken_count += broken
        print(f"  set {n:>5}: {n} files, {broken_count} broken, "
              f"{total / n / 1024:.2f} KB average, {total / 1024 / 1024:.2f} MB total")
    print(f"  payload sha256 {digest.hexdigest()} (seed {args.seed})")


if __name__ == "__main__":
    main()
