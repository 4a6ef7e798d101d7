/**
 * How IT (or the agent) configures the CRM connectors the lookup chain asks after the
 * local directory: `crmConnectors` in settings. Secrets (the LDAP bind password, the REST
 * token) are not here: each connector names its secret in the secret provider.
 */
import { z } from 'zod';
import { placeholdersOf, PLACEHOLDERS } from './number-variants';

const ConnectorNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/, 'a short name such as corp-ldap (letters, digits, . _ -)')
  .refine((name) => name !== 'local', '"local" is the directory itself');
const SecretNameSchema = z.string().min(1).max(100);
/** The connector's own limit; the lookup's deadline (lookupDeadlineMs) only decides when the card first shows. */
const TimeoutSchema = z.number().int().min(50).max(30_000).default(2000);

/** A template must use only {raw} {e164} {digits} {national} {domestic}, and at least one of them. */
const templateWithNumber = (schema: z.ZodString) =>
  schema.superRefine((template, ctx) => {
    const { known, unknown } = placeholdersOf(template);
    if (unknown.length > 0) ctx.addIssue({ code: 'custom', message: `unknown placeholder {${unknown.join('}, {')}}; use ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}` });
    if (known.length === 0) ctx.addIssue({ code: 'custom', message: `needs the number: one of ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}` });
  });

// ---- LDAP

const LdapAttributeSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9-]*(;[A-Za-z0-9-]+)*$/, 'an LDAP attribute name such as displayName');
/** One attribute, or several tried in order (the first an entry has wins); null: not mapped. */
const LdapAttributeChoice = z.union([LdapAttributeSchema, z.array(LdapAttributeSchema).min(1).max(5)]).nullable();

export const LdapAttributesSchema = z
  .object({
    name: LdapAttributeChoice.default(['displayName', 'cn']),
    company: LdapAttributeChoice.default('o'),
    tier: LdapAttributeChoice.default(null),
    customerId: LdapAttributeChoice.default('uid'),
    email: LdapAttributeChoice.default('mail'),
    title: LdapAttributeChoice.default('title'),
    department: LdapAttributeChoice.default(['departmentNumber', 'ou']),
  })
  .strict();
export type LdapAttributes = z.output<typeof LdapAttributesSchema>;

/** telephoneNumber and mobile match ignoring spaces and dashes (telephoneNumberMatch), so one form each is enough for most directories. */
export const DEFAULT_LDAP_FILTER =
  '(|(telephoneNumber={e164})(telephoneNumber={national})(telephoneNumber={domestic})(mobile={e164})(mobile={national})(mobile={domestic}))';

export const LdapConnectorSchema = z
  .object({
    kind: z.literal('ldap'),
    name: ConnectorNameSchema,
    enabled: z.boolean().default(true),
    /** ldap://host:389 or ldaps://host:636 (protocol, host and port only). */
    url: z.string().regex(/^ldaps?:\/\/[^\s/?#]+\/?$/i, 'an LDAP URL such as ldap://ldap.example.com:389'),
    /** null: anonymous search. */
    bindDn: z.string().min(1).max(1000).nullable().default(null),
    /** The bind password's name in the secret store (needed with bindDn). */
    passwordSecret: SecretNameSchema.nullable().default(null),
    baseDn: z.string().min(1).max(1000),
    /** An RFC 4515 filter with the number's placeholders; the values are escaped, the template is taken as written. */
    filter: templateWithNumber(z.string().min(3).max(2000)).default(DEFAULT_LDAP_FILTER),
    attributes: LdapAttributesSchema.default(LdapAttributesSchema.parse({})),
    timeoutMs: TimeoutSchema,
  })
  .strict()
  .refine((ldap) => ldap.bindDn === null || ldap.passwordSecret !== null, {
    message: 'a bindDn needs a passwordSecret (the password lives in the secret store)',
    path: ['passwordSecret'],
  });
export type LdapConnectorSettings = z.output<typeof LdapConnectorSchema>;

// ---- REST / JSON

/** A dotted path into the JSON reply ('customer.name', 'tickets.0.id'); '$.' starts again at the reply's root. */
const JsonPathSchema = z.string().max(200).regex(/^(\$\.)?[A-Za-z0-9_$@-]+(\.[A-Za-z0-9_$@-]+)*$/, 'a dotted path such as customer.name');
const OptionalPath = JsonPathSchema.nullable();

export const RestTicketMappingSchema = z
  .object({
    /** The list, from the customer record (or from the root with '$.'). */
    path: JsonPathSchema.default('openTickets'),
    id: OptionalPath.default('id'),
    title: OptionalPath.default('title'),
    status: OptionalPath.default('status'),
    createdAt: OptionalPath.default('createdAt'),
    /** Keep only tickets whose status is one of these (case-insensitive); null keeps all. */
    openStatuses: z.array(z.string().min(1).max(50)).max(20).nullable().default(null),
  })
  .strict();

export const RestContactMappingSchema = z
  .object({
    path: JsonPathSchema.default('lastContacts'),
    at: OptionalPath.default('at'),
    channel: OptionalPath.default('channel'),
    summary: OptionalPath.default('summary'),
    agent: OptionalPath.default('agent'),
  })
  .strict();

export const RestMappingSchema = z
  .object({
    /** Where the customer is in the reply ('' = the reply itself); an array there means its first element, an empty one "not found". */
    record: z.union([z.literal(''), JsonPathSchema]).default(''),
    name: OptionalPath.default('name'),
    company: OptionalPath.default('company'),
    tier: OptionalPath.default('tier'),
    customerId: OptionalPath.default('id'),
    email: OptionalPath.default('email'),
    title: OptionalPath.default(null),
    department: OptionalPath.default(null),
    openTickets: RestTicketMappingSchema.nullable().default(RestTicketMappingSchema.parse({})),
    lastContacts: RestContactMappingSchema.nullable().default(RestContactMappingSchema.parse({})),
  })
  .strict();
export type RestMapping = z.output<typeof RestMappingSchema>;

export const RestConnectorSchema = z
  .object({
    kind: z.literal('rest'),
    name: ConnectorNameSchema,
    enabled: z.boolean().default(true),
    /** e.g. https://crm.example.com/api/customers?phone={e164}; values are URL-encoded. */
    urlTemplate: templateWithNumber(z.string().max(2000).regex(/^https?:\/\/[^\s]+$/i, 'an http(s) URL template such as https://crm/api/customers?phone={e164}')),
    /**
     * Sent as `<header>: <scheme> <token>` with the token from the secret store (scheme ''
     * sends the token alone, e.g. for X-Api-Key); null: no authentication.
     */
    auth: z
      .object({
        header: z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/, 'an HTTP header name').default('Authorization'),
        scheme: z.string().regex(/^[A-Za-z0-9._-]{0,32}$/).default('Bearer'),
        tokenSecret: SecretNameSchema,
      })
      .strict()
      .nullable()
      .default(null),
    mapping: RestMappingSchema.default(RestMappingSchema.parse({})),
    timeoutMs: TimeoutSchema,
  })
  .strict();
export type RestConnectorSettings = z.output<typeof RestConnectorSchema>;

export const ConnectorSettingsSchema = z.discriminatedUnion('kind', [LdapConnectorSchema, RestConnectorSchema]);
export type ConnectorSettings = z.output<typeof ConnectorSettingsSchema>;

/** Asked in this order; each name once (the cache and the card's sources go by name). */
export const CrmConnectorsSchema = z
  .array(ConnectorSettingsSchema)
  .max(8)
  .superRefine((connectors, ctx) => {
    const seen = new Set<string>();
    connectors.forEach((connector, index) => {
      if (seen.has(connector.name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `the name "${connector.name}" is used twice` });
      seen.add(connector.name);
    });
  });

export const DEFAULT_LOOKUP_DEADLINE_MS = 150;
export const DEFAULT_CACHE_TTL_SECONDS = 300;
/** How long the first answer waits for the connectors; later answers update the card in place. */
export const LookupDeadlineSchema = z.number().int().min(0).max(5000);
/** How long a connector's answer is used without asking again (it stays as the fallback when the connector is down). */
export const CacheTtlSchema = z.number().int().min(0).max(7 * 86_400);
