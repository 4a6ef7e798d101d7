/**
 * The built-in profiles. They are JSON so a center can copy one, edit it and load it with
 * loadProfile; the built-ins go through the same gate, so a broken shipped file fails
 * the tests rather than a payday.
 */
import { loadProfile, type KpiProfile } from '../profile';
import customerServiceJson from './customer-service.json';
import securitiesSalesJson from './securities-sales.json';

export const customerServiceProfile: KpiProfile = loadProfile(customerServiceJson);
export const securitiesSalesProfile: KpiProfile = loadProfile(securitiesSalesJson);
export const BUILT_IN_PROFILES: readonly KpiProfile[] = [customerServiceProfile, securitiesSalesProfile];
