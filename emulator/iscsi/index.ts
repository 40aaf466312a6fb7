// The emulated iSCSI target: server, configuration types and login status codes.
export type { ChapConfig, ChapUser, IscsiTargetServerOptions, TargetConfig } from './config';
export { TARGET_NEGOTIATION_DEFAULTS } from './config';
export { LoginStatus } from './login';
export { IscsiTargetServer, type PortalAddress } from './server';
