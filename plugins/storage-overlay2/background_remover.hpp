// background_remover.hpp — removes renamed-away layer trees on a thread of
// its own, so removing a disposable layer (one created "volatile", such as
// a `run --rm` container's) costs its caller one rename, not a walk over
// every inode. The trees are already out of the layout under a "-tmp-"
// name (Layout::remove), so a crash before the thread gets to one leaves it
// for the next init's sweep; nothing is ever half-visible as a layer.
#pragma once

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

namespace berth::overlay2 {

class BackgroundRemover {
public:
    // remove_tree: what removes one tree (layertar::remove_tree; a test may
    // pass its own). Its exceptions are swallowed: the sweep retries.
    explicit BackgroundRemover(std::function<void(const std::filesystem::path &)> remove_tree);
    // Drains: every queued tree is removed before the plugin is unloaded.
    ~BackgroundRemover();
    BackgroundRemover(const BackgroundRemover &) = delete;
    BackgroundRemover &operator=(const BackgroundRemover &) = delete;

    // Queue one tree; the thread starts with the first.
    void remove(std::filesystem::path tree);
    // Return once every tree queued so far is removed (shutdown, tests).
    void drain();

private:
    void run();

    std::function<void(const std::filesystem::path &)> remove_tree_;
    std::mutex mu_;
    std::condition_variable wake_;  // work queued or stopping
    std::condition_variable idle_;  // the queue ran empty
    std::deque<std::filesystem::path> queue_;
    bool busy_ = false;  // a tree is being removed now
    bool stopping_ = false;
    std::thread thread_; // last: started after the members it uses
};

} // namespace berth::overlay2
