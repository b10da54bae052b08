//! Registry push events, parsed into scan requests.
//!
//! Two clouds tell us that an image was pushed or deleted:
//!
//! - AWS: EventBridge "ECR Image Action" events ([`eventbridge`]), delivered to the dispatcher
//!   directly or inside an SQS message body;
//! - Azure: Event Grid events from Azure Container Registry ([`eventgrid`]), in the Event Grid
//!   schema or as CloudEvents 1.0, usually batched in a JSON array, plus the webhook handshakes.
//!
//! [`parse`] detects the envelope, keeps every field it does not know (so nothing breaks when the
//! clouds add fields, and a parsed event serialises back to what was received), and turns each
//! event into an [`Outcome`]: a normalised [`ScanRequest`], an [`Outcome::Ignored`] event with the
//! reason, or the subscription-validation handshake. Malformed events are errors that name the
//! event and the field.

pub mod envelope;
pub mod error;
pub mod eventbridge;
pub mod eventgrid;
pub mod request;

pub use envelope::{Envelope, parse, parse_envelope};
pub use error::EventError;
pub use eventbridge::{EcrImageActionDetail, EventBridgeEvent};
pub use eventgrid::{
    AcrEventData, AcrRequest, AcrTarget, CloudEvent, EventGridEvent, GridItem, HandshakeResponse,
    validation_response,
};
pub use request::{Action, Outcome, ScanRequest, ValidationRequest};
