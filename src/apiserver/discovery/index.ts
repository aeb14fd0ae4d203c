// Discovery documents (legacy and aggregated) and /version.

export * from './discovery.ts'
export * from './version.ts'
