//! The talent context's sources: the EIG programme's published data ([`eig`]).

pub mod eig;
