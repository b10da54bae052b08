//! One Storage queue: create, send, receive, delete. Message texts are base64, as the Functions
//! host's queue trigger expects by default, and at most 64 KiB once encoded.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use layerwatch_pipeline::StoreError;
use reqwest::Method;

use crate::rest::Rest;
use crate::xml;

/// The largest message text Storage queues accept (after base64).
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// A received message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Message id.
    pub id: String,
    /// The receipt needed to delete it.
    pub pop_receipt: String,
    /// How often it was received, this time included.
    pub dequeue_count: u32,
    /// The payload, base64-decoded.
    pub body: Vec<u8>,
}

/// A queue in a storage account.
#[derive(Debug, Clone)]
pub struct Queue {
    rest: Rest,
    base: url::Url,
    name: String,
}

impl Queue {
    /// The queue `name` under the account's queue `endpoint`.
    pub fn new(rest: Rest, endpoint: &url::Url, name: &str) -> Self {
        let mut base = endpoint.clone();
        if let Ok(mut p) = base.path_segments_mut() {
            p.pop_if_empty().push(name);
        }
        Queue {
            rest,
            base,
            name: name.to_string(),
        }
    }

    /// The queue name.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn messages_url(&self) -> url::Url {
        let mut u = self.base.clone();
        if let Ok(mut p) = u.path_segments_mut() {
            p.push("messages");
        }
        u
    }

    /// Creates the queue; an existing one is fine.
    pub fn create(&self) -> Result<(), StoreError> {
        let what = format!("create queue {}", self.name);
        let r = self
            .rest
            .call(Method::PUT, &self.base, &[], Vec::new(), &what)?;
        if r.ok() || r.status == 409 {
            Ok(())
        } else {
            Err(r.unexpected(&what))
        }
    }

    /// Sends `payload` (base64-encoded on the wire). Over 64 KiB encoded is a permanent error.
    pub fn send(&self, payload: &[u8]) -> Result<(), StoreError> {
        let encoded = STANDARD.encode(payload);
        if encoded.len() > MAX_MESSAGE_BYTES {
            return Err(StoreError::Permanent(format!(
                "message for queue {} is {} bytes base64, over the 64 KiB limit",
                self.name,
                encoded.len()
            )));
        }
        let body = format!("<QueueMessage><MessageText>{encoded}</MessageText></QueueMessage>");
        let what = format!("send to queue {}", self.name);
        let r = self.rest.call(
            Method::POST,
            &self.messages_url(),
            &[("Content-Type", "application/xml")],
            body.into_bytes(),
            &what,
        )?;
        if r.ok() {
            Ok(())
        } else {
            Err(r.unexpected(&what))
        }
    }

    /// Up to `max` (1..=32) visible messages, hidden for `visibility_secs` afterwards.
    pub fn receive(&self, max: u32, visibility_secs: u32) -> Result<Vec<Message>, StoreError> {
        let mut u = self.messages_url();
        u.query_pairs_mut()
            .append_pair("numofmessages", &max.clamp(1, 32).to_string())
            .append_pair("visibilitytimeout", &visibility_secs.max(1).to_string());
        let what = format!("receive from queue {}", self.name);
        let r = self.rest.call(Method::GET, &u, &[], Vec::new(), &what)?;
        if !r.ok() {
            return Err(r.unexpected(&what));
        }
        let body = String::from_utf8_lossy(&r.body);
        xml::elements(&body, "QueueMessage")
            .into_iter()
            .map(|m| {
                let one = |tag: &str| xml::texts(m, tag).into_iter().next().unwrap_or_default();
                let text = one("MessageText");
                let body = STANDARD
                    .decode(text.trim())
                    .map_err(|e| StoreError::Corrupt {
                        what: "queue message",
                        key: format!("{}/{}", self.name, one("MessageId")),
                        reason: format!("not base64: {e}"),
                    })?;
                Ok(Message {
                    id: one("MessageId"),
                    pop_receipt: one("PopReceipt"),
                    dequeue_count: one("DequeueCount").parse().unwrap_or(1),
                    body,
                })
            })
            .collect()
    }

    /// Deletes a received message; one already gone is fine.
    pub fn delete(&self, message: &Message) -> Result<(), StoreError> {
        let mut u = self.messages_url();
        if let Ok(mut p) = u.path_segments_mut() {
            p.push(&message.id);
        }
        u.query_pairs_mut()
            .append_pair("popreceipt", &message.pop_receipt);
        let what = format!("delete message {} from queue {}", message.id, self.name);
        let r = self.rest.call(Method::DELETE, &u, &[], Vec::new(), &what)?;
        if r.ok() || r.status == 404 {
            Ok(())
        } else {
            Err(r.unexpected(&what))
        }
    }
}
