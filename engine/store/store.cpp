// Store::transact (store.hpp): the retry loop every store shares.
#include "store/store.hpp"

namespace elva::store {

Result<void> Store::transact(const std::function<Result<void>(Tx&)>& body, int attempts) {
  Error last{Errc::Internal, "no attempt made", {}};
  for (int i = 0; i < attempts; ++i) {
    auto tx = begin();
    if (!tx) {
      last = tx.error();
      if (last.code != Errc::StoreUnavailable) return fail(last);
      continue;
    }
    auto r = body(**tx);
    if (r) r = (*tx)->commit();
    if (r) return {};
    last = r.error();
    if (last.code != Errc::Conflict && last.code != Errc::StoreUnavailable) return fail(last);
  }
  return fail(std::move(last));
}

}  // namespace elva::store
