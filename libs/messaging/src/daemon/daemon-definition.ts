/** What makes one daemon (agentd, hostd): its name and where its configuration lives. */
export interface DaemonDefinition {
  /** The process name: the `service` of its log lines and metrics, and its broker connection name. */
  daemon: string;
  /** One line for `--help`. */
  description: string;
  /** Prefix of its own environment variables: `AGENTD` gives AGENTD_NAME, AGENTD_KEY, AGENTD_CONFIG... */
  envPrefix: string;
  /** Read when neither `--config` nor `<PREFIX>_CONFIG` names a file, and only if it exists. */
  defaultConfigPath: string;
}
