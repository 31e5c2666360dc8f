export { StateStoreError, ScheduleConfigError } from '../store/errors.ts';
