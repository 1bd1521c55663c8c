//! Networks: the list ([`list`]), one network's page with connecting and disconnecting
//! containers ([`detail`]), the create dialog ([`create`]), and the forms' logic without DOM
//! ([`form`], addresses in [`cidr`]).

pub mod cidr;
pub mod create;
pub mod detail;
pub mod form;
pub mod list;
