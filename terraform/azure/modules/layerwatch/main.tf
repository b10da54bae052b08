data "azurerm_resource_group" "this" {
  name = var.resource_group_name
}

locals {
  # Storage account names are 3-24 lowercase letters and digits, unique in Azure: the prefix
  # plus a hash of the resource group keeps re-applies stable.
  storage_account_name = substr("${replace(var.name, "-", "")}${substr(sha1(data.azurerm_resource_group.this.id), 0, 10)}", 0, 24)

  # Names the handler reads from its settings (shared/pipeline/src/config.rs).
  container      = "layerwatch"
  layer_queue    = "layer-jobs"
  assemble_queue = "assemble-jobs"

  app_settings = {
    LAYERWATCH_BLOB_ENDPOINT   = trimsuffix(azurerm_storage_account.this.primary_blob_endpoint, "/")
    LAYERWATCH_QUEUE_ENDPOINT  = trimsuffix(azurerm_storage_account.this.primary_queue_endpoint, "/")
    LAYERWATCH_CONTAINER       = local.container
    LAYERWATCH_LAYER_QUEUE     = local.layer_queue
    LAYERWATCH_ASSEMBLE_QUEUE  = local.assemble_queue
    LAYERWATCH_ADVISORY_SOURCE = var.advisory_source
    LAYERWATCH_TTL_DAYS        = tostring(var.ttl_days)
    # Telemetry to Application Insights with Entra ID auth (its local auth is off).
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING = "Authorization=AAD"
  }

  tags = merge({ "app" = "layerwatch", "layerwatch-deployment" = var.name }, var.tags)
}
