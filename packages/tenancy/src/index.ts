export { hashPassword, verifyPassword } from './agent-password.ts';
export { createAgent, type NewAgent } from './create-agent.ts';
export { createCampaign, DEFAULT_CALLING_WINDOWS, type NewCampaign } from './create-campaign.ts';
export { type CreatedManager, createManager, type NewManager } from './create-manager.ts';
export { createTenant, type NewTenant } from './create-tenant.ts';
export {
  type ActiveApiKey,
  type ActiveOperatorKey,
  activeApiKey,
  findApiKey,
  openSecrets,
  readClientKey,
  readClientKeys,
  readOperatorKeys,
  type StoredKey,
} from './find-api-key.ts';
export { generateSecret, issueApiKey } from './issue-api-key.ts';
export { issueOperatorKey, type NewOperatorKey, newOperatorKeyId } from './issue-operator-key.ts';
export { rotateApiKey } from './rotate-api-key.ts';
export { createSecretBox, type SecretBox } from './secret-box.ts';
export { isWellFormedToken, newSessionToken, sessionTokenSha256 } from './session-token.ts';
export { createSignInThrottle, type SignInThrottle, type SignInThrottleOptions } from './sign-in-throttle.ts';
