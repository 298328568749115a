//! `--state FILE`: the sandbox's state in a redb file, one JSON record per card plus one for
//! everything else, written in one transaction after each operation that changed something.

use super::state::{Card, Meta};
use redb::{Database, ReadableTable, TableDefinition};

const CARDS: TableDefinition<&str, &str> = TableDefinition::new("cards");
const META: TableDefinition<&str, &str> = TableDefinition::new("meta");
const QRS: TableDefinition<&str, &str> = TableDefinition::new("qrs");
/// Event pushes not yet delivered, by sequence number.
const EVENTS: TableDefinition<u64, &str> = TableDefinition::new("events");
const META_KEY: &str = "meta";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Db(Box<redb::Error>),
    #[error("a record in the state file is not readable: {0}")]
    Record(#[from] serde_json::Error),
    /// The database library gave up on the file (it panics on some damage, a truncated file
    /// among them); the file is as it was.
    #[error("the state file is damaged: {0}")]
    Damaged(String),
}

/// Files up to this size are kept in memory while they are opened, so that a failed open
/// leaves them exactly as they were (the library may start repairing before it gives up).
const RESTORE_LIMIT: u64 = 64 << 20;

macro_rules! db_errors {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError::Db(Box::new(e.into()))
            }
        }
    )*};
}
db_errors!(
    redb::Error,
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

pub struct Store {
    db: Database,
}

pub type Saved = Option<(Meta, Vec<Card>)>;

impl Store {
    /// Opens or creates the file; returns what it holds, if anything. A damaged file is an
    /// error, never a panic, and is left as it was.
    pub fn open(path: &std::path::Path) -> Result<(Store, Saved), StoreError> {
        let before = std::fs::metadata(path)
            .ok()
            .filter(|m| m.len() <= RESTORE_LIMIT)
            .and_then(|_| std::fs::read(path).ok());
        let quiet = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let opened = std::panic::catch_unwind(|| Self::open_unguarded(path));
        std::panic::set_hook(quiet);
        let result = match opened {
            Ok(r) => r,
            Err(panic) => {
                let why = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "unreadable".into());
                Err(StoreError::Damaged(why))
            }
        };
        if result.is_err() {
            if let Some(bytes) = before {
                if std::fs::read(path).ok().as_ref() != Some(&bytes) {
                    let _ = std::fs::write(path, &bytes);
                }
            }
        }
        result
    }

    fn open_unguarded(path: &std::path::Path) -> Result<(Store, Saved), StoreError> {
        let db = Database::create(path)?;
        let txn = db.begin_write()?;
        // creating the tables up front lets a fresh file be read like a used one
        txn.open_table(CARDS)?;
        txn.open_table(META)?;
        txn.open_table(QRS)?;
        txn.open_table(EVENTS)?;
        txn.commit()?;
        let read = db.begin_read()?;
        let meta_table = read.open_table(META)?;
        let saved = match meta_table.get(META_KEY)? {
            None => None,
            Some(meta) => {
                let mut meta: Meta = serde_json::from_str(meta.value())?;
                for entry in read.open_table(QRS)?.iter()? {
                    let (k, v) = entry?;
                    meta.qrs
                        .insert(k.value().to_string(), serde_json::from_str(v.value())?);
                }
                let mut cards = Vec::new();
                for entry in read.open_table(CARDS)?.iter()? {
                    let (_, v) = entry?;
                    cards.push(serde_json::from_str(v.value())?);
                }
                Some((meta, cards))
            }
        };
        drop(meta_table);
        drop(read);
        Ok((Store { db }, saved))
    }

    /// Writes the cards and QR codes named (a QR code no longer in `meta` is removed).
    pub fn save(&self, meta: &Meta, cards: &[&Card], qrs: &[String]) -> Result<(), StoreError> {
        let txn = self.db.begin_write()?;
        {
            let mut t = txn.open_table(CARDS)?;
            for card in cards {
                t.insert(card.id.as_str(), serde_json::to_string(card)?.as_str())?;
            }
            let mut q = txn.open_table(QRS)?;
            for ticket in qrs {
                match meta.qrs.get(ticket) {
                    Some(qr) => {
                        q.insert(ticket.as_str(), serde_json::to_string(qr)?.as_str())?;
                    }
                    None => {
                        q.remove(ticket.as_str())?;
                    }
                }
            }
            let mut m = txn.open_table(META)?;
            m.insert(META_KEY, serde_json::to_string(meta)?.as_str())?;
        }
        txn.commit()?;
        Ok(())
    }

    /// Keeps an event until it is delivered or dropped.
    pub fn put_event(&self, seq: u64, json: &str) -> Result<(), StoreError> {
        let txn = self.db.begin_write()?;
        txn.open_table(EVENTS)?.insert(seq, json)?;
        txn.commit()?;
        Ok(())
    }

    pub fn remove_event(&self, seq: u64) -> Result<(), StoreError> {
        let txn = self.db.begin_write()?;
        txn.open_table(EVENTS)?.remove(seq)?;
        txn.commit()?;
        Ok(())
    }

    /// The events an earlier run left undelivered, in order.
    pub fn events(&self) -> Result<Vec<String>, StoreError> {
        let read = self.db.begin_read()?;
        let mut out = Vec::new();
        for entry in read.open_table(EVENTS)?.iter()? {
            let (_, v) = entry?;
            out.push(v.value().to_string());
        }
        Ok(out)
    }
}
