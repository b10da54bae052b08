//! The one error type of event parsing: what is malformed, in which event.

/// Why an event body could not be turned into outcomes.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    /// The body is not JSON, or not the shape of any envelope we know.
    #[error("event body is not a known envelope: {reason}")]
    Envelope {
        /// What did not fit.
        reason: String,
    },
    /// A known event type whose JSON does not have the fields that type requires.
    #[error("event `{event_id}` ({event_type}) is malformed: {reason}")]
    Malformed {
        /// The envelope id of the event.
        event_id: String,
        /// The event's type as sent.
        event_type: String,
        /// Which field is missing or wrong.
        reason: String,
    },
    /// The image digest in an event is not a valid digest.
    #[error("event `{event_id}` has an invalid image digest: {source}")]
    Digest {
        /// The envelope id of the event.
        event_id: String,
        /// The validation failure, which names the digest.
        #[source]
        source: layerwatch_oci::DigestError,
    },
    /// The registry host of an Azure event cannot be found.
    #[error(
        "event `{event_id}` names no registry host (no data.request.host, no registry in `{topic}`)"
    )]
    NoRegistry {
        /// The envelope id of the event.
        event_id: String,
        /// The topic or source that was searched.
        topic: String,
    },
    /// The CloudEvents handshake request carries no usable origin.
    #[error("webhook handshake has no valid WebHook-Request-Origin (`{origin}`)")]
    HandshakeOrigin {
        /// The header value as received.
        origin: String,
    },
}
