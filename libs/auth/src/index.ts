export * from './permissions';
export * from './rbac';
export * from './secrets';
export * from './principal';
export * from './decorators';
export * from './auth.guard';
export * from './authentication.service';
export * from './auth.module';
