export { BROWSER_TARGETS, type BundleOptions, bundlePage, cachedPage } from './bundle-page.ts';
