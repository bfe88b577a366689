/** The screens' reads: the store's one module of reads (src/store/reads.ts). */
export * from '../../store/reads.ts';
