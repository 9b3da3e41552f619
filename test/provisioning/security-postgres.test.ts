/** The hostile suite over real HTTPS sockets with the state and the replicas' coordination in a throwaway PostgreSQL (one cluster for the file). */
import { socketTransport } from '../helpers/phone-transport.js';
import { storeBackend } from '../helpers/store-backends.js';
import { securitySuite } from './security-suite.js';

securitySuite(socketTransport(), storeBackend('PostgreSQL'));
