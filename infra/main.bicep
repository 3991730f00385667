// samverkan-bot on Azure, for `azd up`: a resource group in a Swedish region and everything
// in it (resources.bicep). Not compiled or deployed from this repository's CI: see
// docs/deployment.md, "Azure in one command", for what was and was not run.
targetScope = 'subscription'

@minLength(4)
@maxLength(20)
@description('azd environment name, e.g. samverkan-prod; names the resource group and resources')
param environmentName string

@description('Azure region for everything but the global Bot resource')
@allowed(['swedencentral', 'northeurope', 'westeurope'])
param location string = 'swedencentral'

@description('Entra tenant of the organisation (the bot is single-tenant in it); empty: this deployment\'s')
param tenantId string = ''


@description('Administrator login of the PostgreSQL server')
param postgresAdminLogin string = 'samverkan'

@secure()
@description('Administrator password of the PostgreSQL server (kept in Key Vault)')
param postgresAdminPassword string

@description('Optional: client id of the Entra app registration the bot calls Microsoft Graph as (minutes in SharePoint)')
param graphClientId string = ''

@secure()
@description('Optional: that app registration\'s client secret (kept in Key Vault)')
param graphClientSecret string = ''

@description('The network personal chats and unbound channels talk about')
param defaultNetwork string = 'bestservice'

@description('Where the Azure Bot keeps its data: global, or westeurope for EU data residency')
param botLocation string = 'global'

@description('The image the Container App runs: a placeholder until the first `azd deploy`')
param containerImage string = 'mcr.microsoft.com/k8se/quickstart:latest'

resource rg 'Microsoft.Resources/resourceGroups@2022-09-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: { 'azd-env-name': environmentName }
}

module resources 'resources.bicep' = {
  name: 'samverkan-resources'
  scope: rg
  params: {
    resourceBaseName: environmentName
    location: location
    tenantId: tenantId
    postgresAdminLogin: postgresAdminLogin
    postgresAdminPassword: postgresAdminPassword
    graphClientId: graphClientId
    graphClientSecret: graphClientSecret
    defaultNetwork: defaultNetwork
    botLocation: botLocation
    containerImage: containerImage
  }
}

// azd reads these: where to push the image, and what to show after `azd up`.
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = resources.outputs.registryEndpoint
output AZURE_RESOURCE_GROUP string = rg.name
output BOT_ID string = resources.outputs.botId
output BOT_DOMAIN string = resources.outputs.botDomain
output BOT_ENDPOINT string = 'https://${resources.outputs.botDomain}/api/messages'
// Read back by main.parameters.json: the PostgreSQL password is made once, then reused.
output AZURE_KEY_VAULT_NAME string = resources.outputs.keyVaultName
