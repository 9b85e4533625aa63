export { buildGatewayApp } from './build-gateway-app.ts';
export { AgentGatewayConfig } from './config.ts';
export { type DemoBots, type DemoBotsOptions, type DemoBotTiming, startDemoBots } from './demo-bots.ts';
export {
  AGENT_GATEWAY_GROUP,
  type AgentGateway,
  type AgentGatewayDeps,
  registerAgentGateway,
} from './register-agent-gateway.ts';
