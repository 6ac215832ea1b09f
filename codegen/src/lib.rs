pub mod error; pub mod load; pub mod bundle; pub mod ir; pub mod names;
