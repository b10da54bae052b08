data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition
  kms_key    = var.kms_key_arn != null ? var.kms_key_arn : aws_kms_key.this[0].arn

  # The repositories the functions may read, and the EventBridge filter on their names: one
  # variable drives both so a repository that is scanned is always readable.
  repository_arns = length(var.repository_prefixes) == 0 ? [
    "arn:${local.partition}:ecr:${local.region}:${local.account_id}:repository/*"
    ] : [
    for p in var.repository_prefixes : "arn:${local.partition}:ecr:${local.region}:${local.account_id}:repository/${p}*"
  ]

  # EventBridge pattern of a successful push (and delete, which dispatch turns into a deleted
  # mark on the results rows); the repository filter is added when prefixes are set. Kept as
  # data (not inline JSON) so the tests can evaluate it against real events.
  ecr_push_source      = ["aws.ecr"]
  ecr_push_detail_type = ["ECR Image Action"]
  ecr_push_actions     = ["PUSH"]
  ecr_delete_actions   = ["DELETE"]
  ecr_push_detail = {
    action-type = concat(local.ecr_push_actions, var.track_deletes ? local.ecr_delete_actions : [])
    result      = ["SUCCESS"]
  }
  ecr_repository_filter = length(var.repository_prefixes) == 0 ? {} : {
    repository-name = [for p in var.repository_prefixes : { prefix = p }]
  }
  ecr_push_pattern = {
    source      = local.ecr_push_source
    detail-type = local.ecr_push_detail_type
    detail      = merge(local.ecr_push_detail, local.ecr_repository_filter)
  }

  # The environment every function reads (shared/pipeline/src/config.rs names each variable).
  function_environment = {
    LAYERWATCH_LAYER_CACHE_TABLE = aws_dynamodb_table.layer_cache.name
    LAYERWATCH_JOBS_TABLE        = aws_dynamodb_table.scan_jobs.name
    LAYERWATCH_RESULTS_TABLE     = aws_dynamodb_table.results.name
    LAYERWATCH_BUCKET            = aws_s3_bucket.data.id
    LAYERWATCH_LAYER_QUEUE       = aws_sqs_queue.layer.url
    LAYERWATCH_ASSEMBLE_QUEUE    = aws_sqs_queue.assemble.url
    LAYERWATCH_EVENT_BUS         = var.findings_event_bus_name
    LAYERWATCH_METRICS_NAMESPACE = var.metrics_namespace
    LAYERWATCH_ADVISORY_SOURCE   = var.advisory_source
    LAYERWATCH_TTL_DAYS          = tostring(var.ttl_days)
  }

  # One entry per Lambda; the zip is target/lambda/<key>/bootstrap.zip.
  functions = {
    dispatch = {
      memory_mb            = var.dispatch_memory_mb
      timeout_seconds      = var.dispatch_timeout_seconds
      reserved_concurrency = var.dispatch_reserved_concurrency
      ephemeral_storage_mb = 512
    }
    analyze-layer = {
      memory_mb            = var.layer_memory_mb
      timeout_seconds      = var.layer_timeout_seconds
      reserved_concurrency = var.layer_reserved_concurrency
      ephemeral_storage_mb = var.layer_ephemeral_storage_mb
    }
    assemble = {
      memory_mb            = var.assemble_memory_mb
      timeout_seconds      = var.assemble_timeout_seconds
      reserved_concurrency = var.assemble_reserved_concurrency
      ephemeral_storage_mb = 1024
    }
    query = {
      memory_mb            = var.query_memory_mb
      timeout_seconds      = var.query_timeout_seconds
      reserved_concurrency = var.query_reserved_concurrency
      ephemeral_storage_mb = 512
    }
    refresh-advisories = {
      memory_mb            = var.refresh_memory_mb
      timeout_seconds      = var.refresh_timeout_seconds
      reserved_concurrency = 1
      ephemeral_storage_mb = 2048
    }
  }

  # Which queue feeds which function. AWS asks for a visibility timeout of at least six times
  # the function timeout, so a message is not redelivered while a retried batch still runs.
  queue_consumers = {
    scan     = "dispatch"
    layer    = "analyze-layer"
    assemble = "assemble"
  }

  tags = merge({ "app" = "layerwatch", "layerwatch:deployment" = var.name }, var.tags)
}
