//! The per-message controls a send request may carry (`SendMsgControl`,
//! `ForbidCallbackControl`), under Tencent's names.

/// A `SendMsgControl` value: how one message is counted and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendMsgControl {
    /// The message does not count toward anyone's unread count.
    NoUnread,
    /// The message does not become the conversation's last message.
    NoLastMsg,
    /// Members who turned notifications off are notified of this message anyway.
    WithMuteNotifications,
}

impl SendMsgControl {
    /// A value by its Tencent name; the error names the field and the value.
    pub fn parse(s: &str) -> Result<SendMsgControl, String> {
        match s {
            "NoUnread" => Ok(SendMsgControl::NoUnread),
            "NoLastMsg" => Ok(SendMsgControl::NoLastMsg),
            "WithMuteNotifications" => Ok(SendMsgControl::WithMuteNotifications),
            _ => Err(unsupported("SendMsgControl", s)),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SendMsgControl::NoUnread => "NoUnread",
            SendMsgControl::NoLastMsg => "NoLastMsg",
            SendMsgControl::WithMuteNotifications => "WithMuteNotifications",
        }
    }
}

/// A `ForbidCallbackControl` value: a callback this one message skips. opentim sends no
/// callbacks yet, so the values are checked and carried, not acted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForbidCallbackControl {
    ForbidBeforeSendMsgCallback,
    ForbidAfterSendMsgCallback,
}

impl ForbidCallbackControl {
    /// A value by its Tencent name; the error names the field and the value.
    pub fn parse(s: &str) -> Result<ForbidCallbackControl, String> {
        match s {
            "ForbidBeforeSendMsgCallback" => Ok(ForbidCallbackControl::ForbidBeforeSendMsgCallback),
            "ForbidAfterSendMsgCallback" => Ok(ForbidCallbackControl::ForbidAfterSendMsgCallback),
            _ => Err(unsupported("ForbidCallbackControl", s)),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ForbidCallbackControl::ForbidBeforeSendMsgCallback => "ForbidBeforeSendMsgCallback",
            ForbidCallbackControl::ForbidAfterSendMsgCallback => "ForbidAfterSendMsgCallback",
        }
    }
}

/// Parses every value of a control list (absent = none), stopping at the first unknown one.
pub fn parse_list<T>(
    raw: Option<&[String]>,
    parse: fn(&str) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    raw.unwrap_or_default().iter().map(|s| parse(s)).collect()
}

fn unsupported(field: &str, value: &str) -> String {
    format!("{field} value {value:?} is not supported")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_values_are_named() {
        for c in [
            SendMsgControl::NoUnread,
            SendMsgControl::NoLastMsg,
            SendMsgControl::WithMuteNotifications,
        ] {
            assert_eq!(SendMsgControl::parse(c.as_str()), Ok(c));
        }
        for c in [
            ForbidCallbackControl::ForbidBeforeSendMsgCallback,
            ForbidCallbackControl::ForbidAfterSendMsgCallback,
        ] {
            assert_eq!(ForbidCallbackControl::parse(c.as_str()), Ok(c));
        }
        assert_eq!(
            SendMsgControl::parse("nounread"),
            Err(r#"SendMsgControl value "nounread" is not supported"#.to_string())
        );
        let list = ["NoUnread".to_string(), "X".to_string()];
        assert_eq!(
            parse_list(Some(&list), ForbidCallbackControl::parse),
            Err(r#"ForbidCallbackControl value "NoUnread" is not supported"#.to_string())
        );
        assert_eq!(parse_list(None, SendMsgControl::parse), Ok(vec![]));
    }
}
