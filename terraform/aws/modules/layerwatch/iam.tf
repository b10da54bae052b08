# One role per function, with two inline policies:
#   calls     the AWS calls the function's code makes, exactly those in terraform/aws/iam-calls.json
#             (recorded from the SDK during the end-to-end tests; the tests compare the two)
#   platform  what Lambda itself does with the role: write the function's logs, poll its input
#             queue, and use the KMS key that encrypts the data the calls touch
# No action wildcards anywhere; resources are the deployment's own tables, bucket, queues and
# the chosen ECR repositories.
locals {
  tables = {
    layer_cache = aws_dynamodb_table.layer_cache.arn
    scan_jobs   = aws_dynamodb_table.scan_jobs.arn
    results     = aws_dynamodb_table.results.arn
  }
  all_tables = [for t in values(local.tables) : t]
  objects    = "${aws_s3_bucket.data.arn}/*"
  event_bus  = "arn:${local.partition}:events:${local.region}:${local.account_id}:event-bus/${var.findings_event_bus_name}"

  # A registry pull over the Registry HTTP API is authorised as ECR actions (manifests:
  # ecr:BatchGetImage, blobs: ecr:GetDownloadUrlForLayer); the token itself
  # (ecr:GetAuthorizationToken) cannot be scoped to a repository. analyze-layer fails a job
  # whose layer cannot be read: a failed-scan report, event and metric.
  function_calls = {
    dispatch = [
      { actions = ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"], resources = local.all_tables },
      { actions = ["s3:GetObject"], resources = [local.objects] },
      { actions = ["sqs:SendMessage"], resources = [aws_sqs_queue.layer.arn, aws_sqs_queue.assemble.arn] },
      { actions = ["ecr:GetAuthorizationToken"], resources = ["*"] },
      { actions = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], resources = local.repository_arns },
    ]
    analyze-layer = [
      { actions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], resources = [local.tables.layer_cache, local.tables.scan_jobs] },
      { actions = ["s3:PutObject"], resources = [local.objects] },
      { actions = ["sqs:SendMessage"], resources = [aws_sqs_queue.assemble.arn] },
      { actions = ["events:PutEvents"], resources = [local.event_bus] },
      { actions = ["cloudwatch:PutMetricData"], resources = ["*"] },
      { actions = ["ecr:GetAuthorizationToken"], resources = ["*"] },
      { actions = ["ecr:GetDownloadUrlForLayer"], resources = local.repository_arns },
    ]
    assemble = [
      { actions = ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:BatchWriteItem"], resources = local.all_tables },
      { actions = ["s3:GetObject", "s3:PutObject"], resources = [local.objects] },
      { actions = ["events:PutEvents"], resources = [local.event_bus] },
      { actions = ["cloudwatch:PutMetricData"], resources = ["*"] },
    ]
    query = [
      { actions = ["dynamodb:BatchGetItem", "dynamodb:Query"], resources = [local.tables.results] },
    ]
    refresh-advisories = [
      { actions = ["s3:GetObject", "s3:PutObject"], resources = [local.objects] },
      { actions = ["s3:ListBucket"], resources = [aws_s3_bucket.data.arn] },
    ]
  }

  # The queue each consumer polls (through the event source mapping, with the function's role).
  consumed_queue = { for q, f in local.queue_consumers : f => local.source_queues[q].arn }

  # What Lambda does with each role: write the function's log group, use the data key, and
  # (consumers only) poll the input queue through the event source mapping.
  platform_log_actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
  platform_kms_actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
  platform_queue_actions = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"]
  function_platform = {
    for f in keys(local.functions) : f => concat(
      [
        { actions = local.platform_log_actions, resources = ["${aws_cloudwatch_log_group.function[f].arn}:*"] },
        { actions = local.platform_kms_actions, resources = [local.kms_key] },
      ],
      contains(keys(local.consumed_queue), f) ? [
        { actions = local.platform_queue_actions, resources = [local.consumed_queue[f]] },
      ] : [],
    )
  }
}

data "aws_iam_policy_document" "assume_lambda" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "function" {
  for_each = local.functions

  name               = "${var.name}-${each.key}"
  assume_role_policy = data.aws_iam_policy_document.assume_lambda.json
  tags               = local.tags
}

data "aws_iam_policy_document" "calls" {
  for_each = local.function_calls

  dynamic "statement" {
    for_each = each.value

    content {
      actions   = statement.value.actions
      resources = statement.value.resources

      # PutMetricData has no resource type; the namespace condition is what narrows it.
      dynamic "condition" {
        for_each = contains(statement.value.actions, "cloudwatch:PutMetricData") ? [var.metrics_namespace] : []

        content {
          test     = "StringEquals"
          variable = "cloudwatch:namespace"
          values   = [condition.value]
        }
      }
    }
  }
}

data "aws_iam_policy_document" "platform" {
  for_each = local.function_platform

  dynamic "statement" {
    for_each = each.value

    content {
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}

resource "aws_iam_role_policy" "calls" {
  for_each = local.function_calls

  name   = "calls"
  role   = aws_iam_role.function[each.key].id
  policy = data.aws_iam_policy_document.calls[each.key].json
}

resource "aws_iam_role_policy" "platform" {
  for_each = local.function_platform

  name   = "platform"
  role   = aws_iam_role.function[each.key].id
  policy = data.aws_iam_policy_document.platform[each.key].json
}
