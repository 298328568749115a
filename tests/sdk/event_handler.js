// A developer's card-event handler on Node.js with wechat-crypto (node-webot's 消息加解密
// library, used by its `wechat` middleware), unchanged: it checks msg_signature, decrypts the
// <Encrypt> envelope and checks the appid.
//
// Usage: node event_handler.js TOKEN ENCODING_AES_KEY APPID
// Prints "listening PORT", then one JSON line per push: the decrypted event's Event and
// FromUserName, or "error" for a push that does not verify or decrypt (answered HTTP 400).
"use strict";
const http = require("node:http");
const WXBizMsgCrypt = require("wechat-crypto");

const [token, key, appid] = process.argv.slice(2);
const cryptor = new WXBizMsgCrypt(token, key, appid);

const element = (xml, name) => {
  const m = xml.match(new RegExp(`<${name}>(?:<!\\[CDATA\\[)?([\\s\\S]*?)(?:\\]\\]>)?</${name}>`));
  return m ? m[1] : null;
};

const server = http.createServer((req, res) => {
  const q = new URL(req.url, "http://localhost").searchParams;
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    try {
      const encrypt = element(body, "Encrypt");
      if (cryptor.getSignature(q.get("timestamp"), q.get("nonce"), encrypt) !== q.get("msg_signature")) {
        throw new Error("msg_signature does not verify");
      }
      const { message, id } = cryptor.decrypt(encrypt);
      if (id !== appid) throw new Error(`appid ${id}`);
      console.log(JSON.stringify({ event: element(message, "Event"), from: element(message, "FromUserName") }));
      res.end("success");
    } catch (e) {
      console.log(JSON.stringify({ error: String(e && e.message ? e.message : e) }));
      res.statusCode = 400;
      res.end("bad push");
    }
  });
});
server.listen(0, "127.0.0.1", () => console.log(`listening ${server.address().port}`));
