export enum HostsRpc {
  Register = 'hosts.register',
  List = 'hosts.list',
  Get = 'hosts.get',
}

export enum HostsEvent {
  Registered = 'hosts.host.registered',
}

export enum HostErrorCode {
  NotFound = 'host_not_found',
}

export const HOST_STATUSES = ['available', 'busy', 'offline'] as const;
export type HostStatus = (typeof HOST_STATUSES)[number];
