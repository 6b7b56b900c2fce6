pub mod check;
pub mod explain;
pub mod init;
pub mod plan;
pub mod rules;
pub mod verify;
