/** Injection token of the PresenceSettings read at start. */
export const PRESENCE_SETTINGS = Symbol('PRESENCE_SETTINGS');
