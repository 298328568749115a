//! `--state FILE`: the sandbox's state in a redb file, one JSON record per card plus one for
//! everything else, written in one transaction after each operation that changed something.

use super::state::{Card, Meta};
use redb::{Database, ReadableTable, TableDefinition};

const CARDS: TableDefinition<&str, &str> = TableDefinition::new("cards");
const META: TableDefinition<&str, &str> = TableDefinition::new("meta");
const QRS: TableDefinition<&str, &str> = TableDefinition::new("qrs");
const META_KEY: &str = "meta";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Db(Box<redb::Error>),
    #[error("a record in the state file is not readable: {0}")]
    Record(#[from] serde_json::Error),
}

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
    /// Opens or creates the file; returns what it holds, if anything.
    pub fn open(path: &std::path::Path) -> Result<(Store, Saved), StoreError> {
        let db = Database::create(path)?;
        let txn = db.begin_write()?;
        // creating the tables up front lets a fresh file be read like a used one
        txn.open_table(CARDS)?;
        txn.open_table(META)?;
        txn.open_table(QRS)?;
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
}
