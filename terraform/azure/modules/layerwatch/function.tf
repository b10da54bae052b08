resource "azurerm_service_plan" "this" {
  #checkov:skip=CKV_AZURE_212:Flex Consumption (FC1) scales per function and has no worker count to set
  #checkov:skip=CKV_AZURE_225:Flex Consumption (FC1) has no zone-redundant option to enable here
  name                = "${var.name}-plan"
  resource_group_name = var.resource_group_name
  location            = var.location
  os_type             = "Linux"
  sku_name            = "FC1"
  tags                = local.tags
}

# One app runs the custom-handler binary; host.json and the function.json files in the package
# bind dispatch to Event Grid, analyze-layer and assemble to the storage queues.
resource "azurerm_function_app_flex_consumption" "this" {
  name                = "${var.name}-${substr(sha1(data.azurerm_resource_group.this.id), 0, 8)}"
  resource_group_name = var.resource_group_name
  location            = var.location
  service_plan_id     = azurerm_service_plan.this.id

  storage_container_type      = "blobContainer"
  storage_container_endpoint  = "${azurerm_storage_account.this.primary_blob_endpoint}${azurerm_storage_container.deployment.name}"
  storage_authentication_type = "SystemAssignedIdentity"
  runtime_name                = "custom"
  runtime_version             = "1.0"
  instance_memory_in_mb       = var.instance_memory_mb
  maximum_instance_count      = var.maximum_instance_count
  zip_deploy_file             = var.package_zip

  # The host's own storage (triggers, leases) through the managed identity, no key: the
  # provider writes AzureWebJobsStorage__accountName and __credential from these.
  function_app_storage_account_name          = azurerm_storage_account.this.name
  function_app_storage_uses_managed_identity = true

  https_only                                     = true
  public_network_access_enabled                  = true
  webdeploy_publish_basic_authentication_enabled = false
  app_settings                                   = local.app_settings

  identity {
    type = "SystemAssigned"
  }

  site_config {
    application_insights_connection_string = azurerm_application_insights.this.connection_string
    minimum_tls_version                    = "1.2"
    http2_enabled                          = true
  }

  tags = local.tags
}

locals {
  principal = azurerm_function_app_flex_consumption.this.identity[0].principal_id

  # Role definitions (built-in names) the app's identity holds, and where.
  role_assignments = {
    acr-pull = {
      scope = var.registry_id
      role  = "AcrPull"
    }
    # The host keeps leases and the deployment package in blobs (Microsoft documents Owner for
    # an identity-based AzureWebJobsStorage); the pipeline's data lives in the same account.
    blob-data = {
      scope = azurerm_storage_account.this.id
      role  = "Storage Blob Data Owner"
    }
    queue-data = {
      scope = azurerm_storage_account.this.id
      role  = "Storage Queue Data Contributor"
    }
    telemetry = {
      scope = azurerm_application_insights.this.id
      role  = "Monitoring Metrics Publisher"
    }
  }
}

resource "azurerm_role_assignment" "app" {
  for_each = local.role_assignments

  scope                = each.value.scope
  role_definition_name = each.value.role
  principal_id         = local.principal
  principal_type       = "ServicePrincipal"
}
