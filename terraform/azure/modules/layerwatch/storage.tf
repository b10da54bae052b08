# One account for everything the pipeline keeps (cache/, jobs/, results/, index/, reports/,
# layers/, advisories/, alerts/ in one container), the two work queues, and the function
# app's own deployment package and host state. No shared key: the app's identity has data roles.
resource "azurerm_storage_account" "this" {
  #checkov:skip=CKV_AZURE_59:the Flex Consumption app reaches the account over its public endpoint unless the user adds VNet integration; anonymous access stays off and every request needs an Entra token
  #checkov:skip=CKV2_AZURE_33:private endpoints need the user's virtual network; the module does not create one
  #checkov:skip=CKV2_AZURE_1:data is encrypted with Microsoft-managed keys; a customer-managed key needs a Key Vault the user owns
  #checkov:skip=CKV_AZURE_206:ZRS by default: everything here is rebuilt by re-scanning the registry, so geo-replication would double the cost for little; set storage_replication = "GZRS" to have it
  #checkov:skip=CKV_AZURE_43:the name is computed (prefix without dashes + a hash, cut to 24 lowercase characters), which checkov cannot evaluate; the wiring tests check it
  #checkov:skip=CKV_AZURE_33:queue service logging is a classic (key-based) diagnostic setting; the account's shared key is disabled
  name                            = local.storage_account_name
  resource_group_name             = var.resource_group_name
  location                        = var.location
  account_tier                    = "Standard"
  account_replication_type        = var.storage_replication
  min_tls_version                 = "TLS1_2"
  https_traffic_only_enabled      = true
  allow_nested_items_to_be_public = false
  shared_access_key_enabled       = false
  default_to_oauth_authentication = true
  local_user_enabled              = false
  sftp_enabled                    = false

  blob_properties {
    versioning_enabled = true

    delete_retention_policy {
      days = var.blob_soft_delete_days
    }

    container_delete_retention_policy {
      days = var.blob_soft_delete_days
    }
  }

  sas_policy {
    expiration_period = "00.01:00:00"
  }

  tags = local.tags
}

resource "azurerm_storage_container" "data" {
  #checkov:skip=CKV2_AZURE_21:blob read logging would log every cache hit; the pipeline's own traces in Application Insights name each object it reads
  name                  = local.container
  storage_account_id    = azurerm_storage_account.this.id
  container_access_type = "private"
}

# Where Flex Consumption keeps the deployment package.
resource "azurerm_storage_container" "deployment" {
  #checkov:skip=CKV2_AZURE_21:holds only the deployment package the platform reads
  name                  = "deployment"
  storage_account_id    = azurerm_storage_account.this.id
  container_access_type = "private"
}

resource "azurerm_storage_queue" "layer" {
  name               = local.layer_queue
  storage_account_id = azurerm_storage_account.this.id
}

resource "azurerm_storage_queue" "assemble" {
  name               = local.assemble_queue
  storage_account_id = azurerm_storage_account.this.id
}

resource "azurerm_storage_management_policy" "this" {
  storage_account_id = azurerm_storage_account.this.id

  rule {
    name    = "spilled-inventories-expire"
    enabled = true

    filters {
      blob_types   = ["blockBlob"]
      prefix_match = ["${local.container}/layers/"]
    }

    actions {
      base_blob {
        delete_after_days_since_modification_greater_than = var.spilled_inventory_expiration_days
      }
    }
  }

  rule {
    name    = "old-versions"
    enabled = true

    filters {
      blob_types = ["blockBlob"]
    }

    actions {
      version {
        delete_after_days_since_creation = var.noncurrent_version_expiration_days
      }
    }
  }
}
