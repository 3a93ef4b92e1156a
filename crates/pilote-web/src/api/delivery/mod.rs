//! `/api/v1/delivery`: how products are steered — for now, the products overdue for an
//! investment committee.

pub mod overdue;
