//! The commands of the `cardlint` binary, each on top of the library.

pub mod check;
pub mod explain;
pub mod fix;
pub mod output;
pub mod proxy;
pub mod serve;
pub mod session;
pub mod sign;
