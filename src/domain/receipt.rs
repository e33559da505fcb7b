//! Group read receipts: which messages take them and the limits of their commands.

/// Most seqs one group_msg_receipt or get_group_msg_receipt names.
pub const MAX_RECEIPT_SEQS: usize = 50;

/// Receipts work in groups of at most this many members (Tencent: "群内最大人数为 200 人"): a
/// message sent with NeedReadReceipt to a larger group takes none.
pub const MAX_RECEIPT_GROUP: i64 = 200;

/// Most accounts one page of get_group_msg_receipt_detail lists; larger counts, and the SDK
/// default 0, ask for this many.
pub const MAX_DETAIL_PAGE: i64 = 200;

/// The page size get_group_msg_receipt_detail serves for a requested `Count`.
pub fn detail_page_size(count: u64) -> i64 {
    match i64::try_from(count) {
        Ok(n) if n > 0 && n < MAX_DETAIL_PAGE => n,
        _ => MAX_DETAIL_PAGE,
    }
}

/// `UnreadNum`: the members who could read the message when it was sent (its sender left
/// out) less those who have read it, never below 0.
pub fn unread_num(audience: i64, read: i64) -> i64 {
    (audience - read).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_sizes() {
        assert_eq!(detail_page_size(0), 200);
        assert_eq!(detail_page_size(1), 1);
        assert_eq!(detail_page_size(200), 200);
        assert_eq!(detail_page_size(201), 200);
        assert_eq!(detail_page_size(u64::MAX), 200);
    }

    #[test]
    fn unread_never_negative() {
        assert_eq!(unread_num(6, 1), 5);
        assert_eq!(unread_num(1, 3), 0);
    }
}
