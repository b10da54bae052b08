# Registry pushes (and deletes) -> dispatch. The subscription is created after the code is deployed (the
# dispatch function must exist for Event Grid to bind to it) and after the roles are in place.
resource "azurerm_eventgrid_system_topic" "registry" {
  name                = "${var.name}-registry"
  resource_group_name = var.resource_group_name
  location            = var.location
  source_resource_id  = var.registry_id
  topic_type          = "Microsoft.ContainerRegistry.Registries"

  identity {
    type = "SystemAssigned"
  }

  tags = local.tags
}

# Undeliverable events land here (Event Grid's dead-letter destination).
resource "azurerm_storage_container" "dead_letters" {
  #checkov:skip=CKV2_AZURE_21:holds only undeliverable events, written by Event Grid
  name                  = "eventgrid-dead-letters"
  storage_account_id    = azurerm_storage_account.this.id
  container_access_type = "private"
}

resource "azurerm_role_assignment" "topic_dead_letters" {
  scope                = azurerm_storage_account.this.id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = azurerm_eventgrid_system_topic.registry.identity[0].principal_id
  principal_type       = "ServicePrincipal"
}

locals {
  pushed_event_types  = ["Microsoft.ContainerRegistry.ImagePushed"]
  deleted_event_types = ["Microsoft.ContainerRegistry.ImageDeleted"]
}

resource "azurerm_eventgrid_system_topic_event_subscription" "image_pushed" {
  name                = "${var.name}-image-pushed"
  system_topic        = azurerm_eventgrid_system_topic.registry.name
  resource_group_name = var.resource_group_name

  included_event_types  = concat(local.pushed_event_types, var.track_deletes ? local.deleted_event_types : [])
  event_delivery_schema = "EventGridSchema"

  azure_function_endpoint {
    function_id                       = "${azurerm_function_app_flex_consumption.this.id}/functions/dispatch"
    max_events_per_batch              = 1
    preferred_batch_size_in_kilobytes = 64
  }

  retry_policy {
    max_delivery_attempts = 30
    event_time_to_live    = 1440
  }

  dead_letter_identity {
    type = "SystemAssigned"
  }

  storage_blob_dead_letter_destination {
    storage_account_id          = azurerm_storage_account.this.id
    storage_blob_container_name = azurerm_storage_container.dead_letters.name
  }

  depends_on = [
    azurerm_function_app_flex_consumption.this,
    azurerm_role_assignment.app,
    azurerm_role_assignment.topic_dead_letters,
  ]
}
