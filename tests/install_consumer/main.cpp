#include <typenet/typenet.hpp>

int main() { return 0; }
