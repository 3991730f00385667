// The Azure Bot resource with the Microsoft Teams channel, as in Microsoft's bot templates
// (botRegistration/azurebot.bicep), with a user-assigned managed identity instead of an app
// registration and a secret.

@description('The bot handle: globally unique, letters, digits, hyphens')
param botName string
@maxLength(42)
param botDisplayName string = 'Samverkan'
@description('global, or westeurope for a bot whose data stays in the EU')
param botLocation string = 'global'
param identityClientId string
param identityResourceId string
param tenantId string
@description('The public host name of the bot, without https://')
param botDomain string

resource botService 'Microsoft.BotService/botServices@2022-09-15' = {
  kind: 'azurebot'
  location: botLocation
  name: botName
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${botDomain}/api/messages'
    msaAppId: identityClientId
    msaAppType: 'UserAssignedMSI'
    msaAppMSIResourceId: identityResourceId
    msaAppTenantId: tenantId
  }
  sku: { name: 'F0' } // the Teams channel is a standard channel: free
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: botService
  location: botLocation
  name: 'MsTeamsChannel'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: { isEnabled: true }
  }
}
