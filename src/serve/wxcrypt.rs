//! WeChat's message encryption (消息加解密), as the sandbox's event pushes need it in safe mode:
//! the key is the 43-character EncodingAESKey read as base64 (32 bytes); the plaintext is 16
//! random bytes, the message length (4 bytes, big-endian), the message and the appid, padded
//! PKCS#7 to 32-byte blocks; AES-256-CBC with the key's first 16 bytes as IV, no cipher
//! padding; base64. `msg_signature` is the sha1 of token, timestamp, nonce and the ciphertext,
//! sorted and joined. wechatpy's `WeChatCrypto`, WxJava's `WxMpCryptUtil` and EasyWeChat
//! decrypt this unchanged (the SDK test checks wechatpy).

use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use base64::Engine;

type Encryptor = cbc::Encryptor<aes::Aes256>;
type Decryptor = cbc::Decryptor<aes::Aes256>;

/// WeChat pads to 32 bytes, not to the AES block size.
const PAD_BLOCK: usize = 32;

#[derive(Clone)]
pub struct Crypto {
    key: [u8; 32],
    appid: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum KeyError {
    /// Not 43 characters.
    Length(usize),
    /// Not base64 of 32 bytes.
    Encoding,
}

impl Crypto {
    pub fn new(encoding_aes_key: &str, appid: &str) -> Result<Crypto, KeyError> {
        let n = encoding_aes_key.chars().count();
        if n != 43 {
            return Err(KeyError::Length(n));
        }
        // the key's last character carries 4 bits of the 32 bytes and 2 unused ones, which
        // WeChat fills at random: they are ignored, as Python's and Java's decoders do
        let lenient = base64::engine::GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            base64::engine::GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
        );
        let bytes = lenient
            .decode(format!("{encoding_aes_key}="))
            .map_err(|_| KeyError::Encoding)?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| KeyError::Encoding)?;
        Ok(Crypto {
            key,
            appid: appid.to_string(),
        })
    }

    /// The base64 ciphertext of `message`, with `random` as its 16-byte prefix.
    pub fn encrypt(&self, message: &str, random: [u8; 16]) -> String {
        let mut plain = Vec::with_capacity(message.len() + self.appid.len() + 52);
        plain.extend_from_slice(&random);
        plain.extend_from_slice(&(message.len() as u32).to_be_bytes());
        plain.extend_from_slice(message.as_bytes());
        plain.extend_from_slice(self.appid.as_bytes());
        let pad = PAD_BLOCK - plain.len() % PAD_BLOCK;
        plain.extend(std::iter::repeat_n(pad as u8, pad));
        let len = plain.len();
        let cipher = Encryptor::new(&self.key.into(), self.key[..16].into());
        let out = cipher
            .encrypt_padded_mut::<cbc::cipher::block_padding::NoPadding>(&mut plain, len)
            .expect("the plaintext is padded to whole blocks");
        base64::engine::general_purpose::STANDARD.encode(out)
    }

    /// The message of a base64 ciphertext and the appid it names, or why it cannot be read.
    pub fn decrypt(&self, encrypted: &str) -> Result<(String, String), &'static str> {
        let mut data = base64::engine::general_purpose::STANDARD
            .decode(encrypted.trim())
            .map_err(|_| "not base64")?;
        if data.is_empty() || data.len() % 16 != 0 {
            return Err("not whole AES blocks");
        }
        let cipher = Decryptor::new(&self.key.into(), self.key[..16].into());
        let plain = cipher
            .decrypt_padded_mut::<cbc::cipher::block_padding::NoPadding>(&mut data)
            .map_err(|_| "not decryptable")?;
        let pad = *plain.last().ok_or("empty")? as usize;
        if pad == 0 || pad > PAD_BLOCK || pad > plain.len() {
            return Err("bad padding");
        }
        let body = &plain[..plain.len() - pad];
        if body.len() < 20 {
            return Err("too short");
        }
        let len = u32::from_be_bytes([body[16], body[17], body[18], body[19]]) as usize;
        let rest = &body[20..];
        if len > rest.len() {
            return Err("length past the end");
        }
        let message = std::str::from_utf8(&rest[..len]).map_err(|_| "not UTF-8")?;
        let appid = std::str::from_utf8(&rest[len..]).map_err(|_| "appid not UTF-8")?;
        Ok((message.to_string(), appid.to_string()))
    }

    pub fn appid(&self) -> &str {
        &self.appid
    }
}

/// WeChat's signature of a push: sha1 of the parts sorted and joined (`signature` is of token,
/// timestamp and nonce; `msg_signature` adds the ciphertext).
pub fn signature(parts: &[&str]) -> String {
    let mut sorted = parts.to_vec();
    sorted.sort_unstable();
    let mut h = sha1_smol::Sha1::new();
    for p in sorted {
        h.update(p.as_bytes());
    }
    h.digest().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    #[test]
    fn a_message_comes_back_with_its_appid() {
        let c = Crypto::new(KEY, "wx1234567890abcdef").unwrap();
        for message in ["", "<xml>卡券</xml>", &"x".repeat(1000)] {
            let encrypted = c.encrypt(message, [7; 16]);
            let (back, appid) = c.decrypt(&encrypted).unwrap();
            assert_eq!(
                (back.as_str(), appid.as_str()),
                (message, "wx1234567890abcdef")
            );
        }
    }

    /// The padding is to 32 bytes as WeChat's PKCS7Encoder does: 16 + 4 + 8 + 4 = 32 bytes of
    /// plaintext get a whole block of padding, 64 bytes in all.
    #[test]
    fn the_padding_is_to_thirty_two_bytes() {
        let c = Crypto::new(KEY, "wxid").unwrap();
        let encrypted = c.encrypt("12345678", [0; 16]);
        let raw = base64::engine::general_purpose::STANDARD
            .decode(encrypted)
            .unwrap();
        assert_eq!(raw.len(), 64);
    }

    #[test]
    fn keys_of_the_wrong_shape_are_refused() {
        assert_eq!(Crypto::new("short", "a").err(), Some(KeyError::Length(5)));
        let bad = "!".repeat(43);
        assert_eq!(Crypto::new(&bad, "a").err(), Some(KeyError::Encoding));
    }

    #[test]
    fn the_signature_sorts_its_parts() {
        // sha1("123abcxyz")
        let mut h = sha1_smol::Sha1::new();
        h.update(b"123abcxyz");
        assert_eq!(signature(&["xyz", "abc", "123"]), h.digest().to_string());
    }
}
