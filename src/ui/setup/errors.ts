/** Setup failures in plain words: the setup screen and the re-enter-password dialog. */
import type { SetupErrorKind } from '../../runtime/engine-client.ts';
import type { MessageKey } from '../i18n/index.ts';

export const ERROR_TEXT: Readonly<Record<SetupErrorKind, MessageKey>> = {
  auth: 'setup.err.auth',
  unreachable: 'setup.err.unreachable',
  notEas: 'setup.err.notEas',
  blocked: 'setup.err.blocked',
  cors: 'setup.err.cors',
  autodiscover: 'setup.err.autodiscover',
  version: 'setup.err.version',
  unknown: 'setup.err.unknown',
};
