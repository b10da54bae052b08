# scan (push events from EventBridge) -> dispatch; layer -> analyze-layer; assemble -> assemble.
# Each has a dead-letter queue: a message that fails max_receive_count times lands there, the
# DLQ depth alarm fires, and nothing is dropped silently.
resource "aws_sqs_queue" "dead" {
  for_each = local.queue_consumers

  name                      = "${var.name}-${each.key}-dlq"
  message_retention_seconds = 1209600
  kms_master_key_id         = local.kms_key
  tags                      = local.tags
}

resource "aws_sqs_queue" "scan" {
  name                       = "${var.name}-scan"
  visibility_timeout_seconds = 6 * var.dispatch_timeout_seconds
  message_retention_seconds  = 345600
  kms_master_key_id          = local.kms_key
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead["scan"].arn
    maxReceiveCount     = var.max_receive_count
  })
  tags = local.tags
}

resource "aws_sqs_queue" "layer" {
  name                       = "${var.name}-layer"
  visibility_timeout_seconds = 6 * var.layer_timeout_seconds
  message_retention_seconds  = 345600
  kms_master_key_id          = local.kms_key
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead["layer"].arn
    maxReceiveCount     = var.max_receive_count
  })
  tags = local.tags
}

resource "aws_sqs_queue" "assemble" {
  name                       = "${var.name}-assemble"
  visibility_timeout_seconds = 6 * var.assemble_timeout_seconds
  message_retention_seconds  = 345600
  kms_master_key_id          = local.kms_key
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead["assemble"].arn
    maxReceiveCount     = var.max_receive_count
  })
  tags = local.tags
}

locals {
  source_queues = {
    scan     = aws_sqs_queue.scan
    layer    = aws_sqs_queue.layer
    assemble = aws_sqs_queue.assemble
  }
}

# Only the queue it serves may move messages into a dead-letter queue.
resource "aws_sqs_queue_redrive_allow_policy" "dead" {
  for_each = local.queue_consumers

  queue_url = aws_sqs_queue.dead[each.key].id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [local.source_queues[each.key].arn]
  })
}

# EventBridge may send to the scan queue, and only from the push rule.
resource "aws_sqs_queue_policy" "scan" {
  queue_url = aws_sqs_queue.scan.id
  policy    = data.aws_iam_policy_document.scan_queue.json
}

data "aws_iam_policy_document" "scan_queue" {
  statement {
    sid       = "PushRuleSendsEvents"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.scan.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.ecr_push.arn]
    }
  }
}

resource "aws_cloudwatch_event_rule" "ecr_push" {
  name          = "${var.name}-ecr-push"
  description   = "Successful ECR image pushes, to the Layerwatch scan queue"
  event_pattern = jsonencode(local.ecr_push_pattern)
  tags          = local.tags
}

resource "aws_cloudwatch_event_target" "ecr_push" {
  rule      = aws_cloudwatch_event_rule.ecr_push.name
  target_id = "scan-queue"
  arn       = aws_sqs_queue.scan.arn

  dead_letter_config {
    arn = aws_sqs_queue.events_dead.arn
  }
}

# Events EventBridge could not deliver (push rule, refresh schedule, critical findings to SNS).
resource "aws_sqs_queue" "events_dead" {
  name                      = "${var.name}-events-dlq"
  message_retention_seconds = 1209600
  kms_master_key_id         = local.kms_key
  tags                      = local.tags
}

resource "aws_sqs_queue_policy" "events_dead" {
  queue_url = aws_sqs_queue.events_dead.id
  policy    = data.aws_iam_policy_document.events_dead.json
}

data "aws_iam_policy_document" "events_dead" {
  statement {
    sid       = "RulesParkUndeliveredEvents"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.events_dead.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values = [
        aws_cloudwatch_event_rule.ecr_push.arn,
        aws_cloudwatch_event_rule.refresh.arn,
        aws_cloudwatch_event_rule.critical_findings.arn,
      ]
    }
  }
}
