// Everything samverkan-bot runs on, in one resource group. Used by main.bicep (`azd up`) and
// directly by m365agents.yml (Agents Toolkit, `arm/deploy`). Names follow resourceBaseName.
//
//   identity   user-assigned managed identity: the bot's Bot Framework identity
//              (MicrosoftAppType=UserAssignedMSI, no secret), image pulls, Key Vault reads
//   logs       Log Analytics workspace for the Container Apps environment
//   registry   Azure Container Registry the image is pushed to
//   vault      Key Vault (RBAC) holding DATABASE_URL, the PostgreSQL password and the
//              optional Graph client secret; the app reads them as Key Vault references
//   postgres   PostgreSQL Flexible Server 16 with the database `samverkan`
//   app        Azure Container App running the image, port 3978, min 1 replica
//   bot        Azure Bot with the Microsoft Teams channel (modules/azurebot.bicep)

@maxLength(20)
@minLength(4)
param resourceBaseName string
param location string = resourceGroup().location
@description('Entra tenant of the bot; empty: this deployment\'s')
param tenantId string = ''
param postgresAdminLogin string = 'samverkan'
@secure()
param postgresAdminPassword string
param graphClientId string = ''
@secure()
param graphClientSecret string = ''
param defaultNetwork string = 'bestservice'
@description('global, or westeurope for a bot whose data stays in the EU; empty: global')
param botLocation string = 'global'
@description('The image to run; azd and the Agents Toolkit replace it on deploy')
param containerImage string = 'mcr.microsoft.com/k8se/quickstart:latest'

var botTenantId = empty(tenantId) ? tenant().tenantId : tenantId
var suffix = uniqueString(resourceGroup().id)
var base = toLower(resourceBaseName)
var compact = replace(base, '-', '')
var names = {
  identity: 'id-${base}'
  logs: 'log-${base}'
  registry: 'cr${compact}${suffix}' // 5-50 letters and digits, globally unique
  vault: 'kv${take(compact, 9)}${suffix}' // at most 24, globally unique
  postgres: 'psql-${base}-${suffix}' // globally unique
  environment: 'cae-${base}'
  app: 'ca-${base}'
  bot: 'bot-${base}-${suffix}' // bot handles are globally unique
}
var roles = {
  acrPull: '7f951dda-4ed3-4ba1-b4e4-2b0e6aa3e4d0'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
}
var withGraph = !empty(graphClientId) && !empty(graphClientSecret)

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: names.identity
  location: location
}

resource logs 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: names.logs
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: names.registry
  location: location
  sku: { name: 'Basic' }
  properties: { adminUserEnabled: false }
}

resource registryPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, identity.id, roles.acrPull)
  scope: registry
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.acrPull)
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: names.vault
  location: location
  properties: {
    tenantId: botTenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enablePurgeProtection: true
    softDeleteRetentionInDays: 90
  }
}

resource vaultRead 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: names.postgres
  location: location
  sku: { name: 'Standard_B1ms', tier: 'Burstable' }
  properties: {
    version: '16'
    administratorLogin: postgresAdminLogin
    administratorLoginPassword: postgresAdminPassword
    storage: { storageSizeGB: 32 }
    backup: { backupRetentionDays: 14, geoRedundantBackup: 'Disabled' }
    highAvailability: { mode: 'Disabled' }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: postgres
  name: 'samverkan'
  properties: { charset: 'UTF8', collation: 'en_US.utf8' }
}

// 0.0.0.0 to 0.0.0.0 is Azure's "allow Azure services": the Container App's outbound
// addresses are not fixed. Replace with a virtual network where policy asks for one.
resource postgresFromAzure 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: postgres
  name: 'AllowAzureServices'
  properties: { startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' }
}

resource databaseUrl 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'database-url'
  properties: {
    value: 'postgresql+asyncpg://${postgresAdminLogin}:${uriComponent(postgresAdminPassword)}@${postgres.properties.fullyQualifiedDomainName}:5432/${database.name}?ssl=require'
  }
}

resource postgresPassword 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'postgres-admin-password'
  properties: { value: postgresAdminPassword }
}

resource graphSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (withGraph) {
  parent: vault
  name: 'graph-client-secret'
  properties: { value: graphClientSecret }
}

resource environment 'Microsoft.App/managedEnvironments@2023-05-01' = {
  name: names.environment
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

var secretReferences = concat(
  [{ name: 'database-url', keyVaultUrl: databaseUrl.properties.secretUri, identity: identity.id }],
  withGraph ? [{ name: 'graph-client-secret', keyVaultUrl: graphSecret.properties.secretUri, identity: identity.id }] : []
)
var graphSettings = withGraph ? [
  { name: 'GRAPH_TENANT_ID', value: botTenantId }
  { name: 'GRAPH_CLIENT_ID', value: graphClientId }
  { name: 'GRAPH_CLIENT_SECRET', secretRef: 'graph-client-secret' }
] : []

resource app 'Microsoft.App/containerApps@2023-05-01' = {
  name: names.app
  location: location
  tags: { 'azd-service-name': 'bot' }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    managedEnvironmentId: environment.id
    configuration: {
      ingress: { external: true, targetPort: 3978, transport: 'auto', allowInsecure: false }
      registries: [{ server: registry.properties.loginServer, identity: identity.id }]
      secrets: secretReferences
    }
    template: {
      containers: [
        {
          name: 'bot'
          image: containerImage
          resources: { cpu: json('0.5'), memory: '1Gi' }
          env: concat([
            { name: 'MicrosoftAppType', value: 'UserAssignedMSI' }
            { name: 'MicrosoftAppId', value: identity.properties.clientId }
            { name: 'MicrosoftAppTenantId', value: botTenantId }
            { name: 'BOT_ENVIRONMENT', value: 'production' }
            { name: 'DATABASE_URL', secretRef: 'database-url' }
            { name: 'DATA_DIR', value: '' } // received files wait in PostgreSQL: no volume needed
            { name: 'DEFAULT_NETWORK', value: defaultNetwork }
          ], graphSettings)
          probes: [
            { type: 'Liveness', httpGet: { path: '/healthz', port: 3978 }, initialDelaySeconds: 20, periodSeconds: 30 }
            { type: 'Readiness', httpGet: { path: '/readyz', port: 3978 }, periodSeconds: 10 }
          ]
        }
      ]
      // At least one replica always: the scheduler posts reminders from inside the process.
      scale: { minReplicas: 1, maxReplicas: 2 }
    }
  }
  dependsOn: [registryPull, vaultRead]
}

module bot 'modules/azurebot.bicep' = {
  name: 'azure-bot'
  params: {
    botName: names.bot
    botLocation: empty(botLocation) ? 'global' : botLocation
    identityClientId: identity.properties.clientId
    identityResourceId: identity.id
    tenantId: botTenantId
    botDomain: app.properties.configuration.ingress.fqdn
  }
}

output registryEndpoint string = registry.properties.loginServer
output keyVaultName string = vault.name
output botId string = identity.properties.clientId
output botDomain string = app.properties.configuration.ingress.fqdn
output containerAppName string = app.name
// Agents Toolkit (m365agents.yml) writes these into env/.env.<environment>.
output BOT_ID string = identity.properties.clientId
output BOT_DOMAIN string = app.properties.configuration.ingress.fqdn
output AZURE_CONTAINER_REGISTRY_NAME string = registry.name
output AZURE_CONTAINER_APP_NAME string = app.name
