//! The environment every deployed function reads, named once so the functions, the Terraform
//! modules and their tests agree. The SDKs' own variables (`AWS_REGION`, `AWS_ENDPOINT_URL`)
//! are not repeated here.

/// DynamoDB table (AWS) holding layer inventories.
pub const LAYER_CACHE_TABLE: &str = "LAYERWATCH_LAYER_CACHE_TABLE";
/// DynamoDB table (AWS) holding scan jobs.
pub const JOBS_TABLE: &str = "LAYERWATCH_JOBS_TABLE";
/// DynamoDB table (AWS) holding results rows and their index items.
pub const RESULTS_TABLE: &str = "LAYERWATCH_RESULTS_TABLE";
/// S3 bucket (AWS) for reports, spilled inventories and advisory snapshots.
pub const BUCKET: &str = "LAYERWATCH_BUCKET";
/// SQS queue URL (AWS) or Storage queue name (Azure) of layer jobs.
pub const LAYER_QUEUE: &str = "LAYERWATCH_LAYER_QUEUE";
/// SQS queue URL (AWS) or Storage queue name (Azure) of assemble jobs.
pub const ASSEMBLE_QUEUE: &str = "LAYERWATCH_ASSEMBLE_QUEUE";
/// EventBridge bus (AWS) that receives findings events.
pub const EVENT_BUS: &str = "LAYERWATCH_EVENT_BUS";
/// CloudWatch metrics namespace (AWS).
pub const METRICS_NAMESPACE: &str = "LAYERWATCH_METRICS_NAMESPACE";
/// Where `refresh-advisories` reads feeds: an https URL of a mirror, or empty for upstream.
pub const ADVISORY_SOURCE: &str = "LAYERWATCH_ADVISORY_SOURCE";
/// Storage account blob endpoint (Azure), e.g. `https://acct.blob.core.windows.net`.
pub const BLOB_ENDPOINT: &str = "LAYERWATCH_BLOB_ENDPOINT";
/// Storage account queue endpoint (Azure).
pub const QUEUE_ENDPOINT: &str = "LAYERWATCH_QUEUE_ENDPOINT";
/// Blob container (Azure) holding everything.
pub const CONTAINER: &str = "LAYERWATCH_CONTAINER";
/// Days a layer cache entry lives unused, and a job lives at all.
pub const TTL_DAYS: &str = "LAYERWATCH_TTL_DAYS";
/// Registry hosts mapped to the endpoint actually contacted, `FROM=HOST[:PORT],...`
/// (a pull-through endpoint; tests point an ECR host at a local registry). Usually unset.
pub const REGISTRY_ENDPOINTS: &str = "LAYERWATCH_REGISTRY_ENDPOINTS";
/// Registry hosts (`HOST[:PORT]`, comma separated) reached over plain http. Usually unset.
pub const INSECURE_REGISTRIES: &str = "LAYERWATCH_INSECURE_REGISTRIES";
