//! Strict JSON parsing with exact byte ranges and recovery (see `parser`).

pub mod ast;
pub mod escape;
pub mod form;
pub mod lexer;
pub mod parser;
