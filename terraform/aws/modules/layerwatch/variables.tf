variable "name" {
  description = "Prefix of every resource name (tables, bucket, queues, functions, alarms)."
  type        = string
  default     = "layerwatch"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name must be 2-31 lowercase letters, digits or dashes, starting with a letter."
  }
}

variable "lambda_zip_dir" {
  description = "Folder holding <function>/bootstrap.zip for dispatch, analyze-layer, assemble, query and refresh-advisories, as `cargo lambda build --release --output-format zip` leaves them in target/lambda."
  type        = string
}

variable "architecture" {
  description = "Lambda architecture the zips were built for: x86_64 (the default cargo lambda build) or arm64 (cargo lambda build --arm64)."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be x86_64 or arm64."
  }
}

variable "repository_prefixes" {
  description = "Scan only ECR repositories whose name starts with one of these prefixes (e.g. [\"team/\"]); empty scans every repository of the account in this region. Also limits the functions' ECR read permissions."
  type        = list(string)
  default     = []
}

variable "track_deletes" {
  description = "Also deliver ECR DELETE events to dispatch, which marks the image's results rows deleted (rows and reports are kept). false delivers pushes only."
  type        = bool
  default     = true
}

variable "dispatch_memory_mb" {
  description = "Memory of the dispatch function (reads one manifest and the layer cache)."
  type        = number
  default     = 512
}

variable "dispatch_timeout_seconds" {
  description = "Timeout of the dispatch function; the scan queue's visibility timeout is six times this."
  type        = number
  default     = 60

  validation {
    condition     = var.dispatch_timeout_seconds >= 1 && var.dispatch_timeout_seconds <= 900
    error_message = "dispatch_timeout_seconds must be between 1 and 900."
  }
}

variable "dispatch_reserved_concurrency" {
  description = "Reserved concurrency of the dispatch function (caps parallel manifest reads against the registry)."
  type        = number
  default     = 10

  validation {
    condition     = var.dispatch_reserved_concurrency >= 2
    error_message = "dispatch_reserved_concurrency must be at least 2 (the least an SQS event source polls with)."
  }
}

variable "layer_memory_mb" {
  description = "Memory of the analyze-layer function. Lambda gives CPU in proportion to memory, and decompressing a large layer is CPU bound: 2048 MB is about 1.2 vCPU."
  type        = number
  default     = 2048
}

variable "layer_timeout_seconds" {
  description = "Timeout of the analyze-layer function, long enough to stream a multi-GB layer; the layer queue's visibility timeout is six times this."
  type        = number
  default     = 600

  validation {
    condition     = var.layer_timeout_seconds >= 1 && var.layer_timeout_seconds <= 900
    error_message = "layer_timeout_seconds must be between 1 and 900."
  }
}

variable "layer_reserved_concurrency" {
  description = "Reserved concurrency of the analyze-layer function: the most layers read at once (bounds registry egress and Lambda cost during a burst of pushes)."
  type        = number
  default     = 20

  validation {
    condition     = var.layer_reserved_concurrency >= 2
    error_message = "layer_reserved_concurrency must be at least 2 (the least an SQS event source polls with)."
  }
}

variable "layer_ephemeral_storage_mb" {
  description = "/tmp size of the analyze-layer function; layers are streamed, so the default 512 MB is enough unless a package database must be spooled."
  type        = number
  default     = 512
}

variable "assemble_memory_mb" {
  description = "Memory of the assemble function (loads the advisory snapshot and matches every package)."
  type        = number
  default     = 1536
}

variable "assemble_timeout_seconds" {
  description = "Timeout of the assemble function; the assemble queue's visibility timeout is six times this."
  type        = number
  default     = 300

  validation {
    condition     = var.assemble_timeout_seconds >= 1 && var.assemble_timeout_seconds <= 900
    error_message = "assemble_timeout_seconds must be between 1 and 900."
  }
}

variable "assemble_reserved_concurrency" {
  description = "Reserved concurrency of the assemble function."
  type        = number
  default     = 10

  validation {
    condition     = var.assemble_reserved_concurrency >= 2
    error_message = "assemble_reserved_concurrency must be at least 2 (the least an SQS event source polls with)."
  }
}

variable "query_memory_mb" {
  description = "Memory of the query function."
  type        = number
  default     = 512
}

variable "query_timeout_seconds" {
  description = "Timeout of the query function."
  type        = number
  default     = 30
}

variable "query_reserved_concurrency" {
  description = "Reserved concurrency of the query function."
  type        = number
  default     = 5
}

variable "refresh_memory_mb" {
  description = "Memory of the refresh-advisories function (builds the advisory store from the feeds)."
  type        = number
  default     = 2048
}

variable "refresh_timeout_seconds" {
  description = "Timeout of the refresh-advisories function."
  type        = number
  default     = 900
}

variable "refresh_schedule" {
  description = "EventBridge schedule expression for refresh-advisories."
  type        = string
  default     = "rate(6 hours)"
}

variable "advisory_source" {
  description = "Where refresh-advisories reads feeds: an https URL of a mirror, or empty for the upstream feeds."
  type        = string
  default     = ""
}

variable "max_receive_count" {
  description = "Deliveries of a queue message before it moves to its dead-letter queue (a failing layer is retried this many times)."
  type        = number
  default     = 3
}

variable "ttl_days" {
  description = "Days a layer cache entry lives unused, and a scan job lives at all."
  type        = number
  default     = 30
}

variable "spilled_inventory_expiration_days" {
  description = "Days after which inventories spilled to the bucket (layers/) expire; the layer cache item pointing at one expires sooner (ttl_days), so a spilled object is never needed longer."
  type        = number
  default     = 60
}

variable "noncurrent_version_expiration_days" {
  description = "Days an overwritten or deleted object version is kept in the bucket."
  type        = number
  default     = 30
}

variable "log_retention_days" {
  description = "Retention of the functions' CloudWatch log groups."
  type        = number
  default     = 365
}

variable "kms_key_arn" {
  description = "ARN of an existing KMS key for tables, bucket, queues, topic and logs; null creates one (with rotation) for this deployment."
  type        = string
  default     = null
}

variable "alarm_email" {
  description = "E-mail address subscribed to the alarm topic (the address must confirm the subscription); empty subscribes nobody."
  type        = string
  default     = ""
}

variable "critical_findings_threshold" {
  description = "Alarm when this many critical findings are reported within five minutes."
  type        = number
  default     = 1
}

variable "findings_event_bus_name" {
  description = "Existing EventBridge bus that receives a findings event per scanned image (users' own rules can match it); `default` is the account's default bus."
  type        = string
  default     = "default"
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the findings and failed-scan metrics."
  type        = string
  default     = "Layerwatch"
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
