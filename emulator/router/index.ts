// The router mover: a standalone copy manager LU (iSCSI front end) whose copy sources and
// destinations are LUs of other iSCSI targets. `xcopyctl mover serve` runs it.
export * from './config';
export { startRouterMover, type RouterReady, type RunningRouter } from './service';
