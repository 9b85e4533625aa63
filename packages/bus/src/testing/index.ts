export { type BusUnderTest, describeBusContract } from './bus-contract.ts';
